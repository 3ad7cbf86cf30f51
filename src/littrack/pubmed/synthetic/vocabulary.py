"""Word lists the synthetic corpus is drawn from: journals, people, places, topics, MeSH.

All of it is data. Journal names and MeSH/publication-type UIs follow NLM's forms so records
look like PubMed's; ISSNs and NLM IDs are given as they look, not as a reference.
The renderer writes names, affiliations and keywords unescaped: keep them free of & < >
(journal titles and MeSH qualifiers are escaped, and may hold "&").
"""

from __future__ import annotations

from typing import NamedTuple


class Journal(NamedTuple):
    title: str  # Journal/Title, NLM's full form
    iso: str  # ISOAbbreviation (also used as MedlineTA)
    issn: str
    issn_type: str  # "Print" or "Electronic"
    issn_linking: str
    nlm_id: str
    country: str
    volume_base_year: int  # volume = year - volume_base_year
    electronic_only: bool = False  # article numbers instead of pages, epublish
    medline_indexed: bool = True
    language: str = "eng"


PAIN = Journal("Pain", "Pain", "0304-3959", "Print", "0304-3959", "7508686", "United States", 1864)
PAIN_MEDICINE = Journal(
    "Pain medicine (Malden, Mass.)", "Pain Med", "1526-2375", "Print", "1526-2375", "100894201",
    "England", 1999,
)
EXPERT_REV_NEUROTHER = Journal(
    "Expert review of neurotherapeutics", "Expert Rev Neurother", "1744-8360", "Electronic",
    "1473-7175", "101129944", "England", 2000,
)
HANDCHIR = Journal(
    "Handchirurgie, Mikrochirurgie, plastische Chirurgie", "Handchir Mikrochir Plast Chir",
    "1439-3980", "Electronic", "0722-1819", "8413199", "Germany", 1968,
)
BMC_PEDIATR = Journal(
    "BMC pediatrics", "BMC Pediatr", "1471-2431", "Electronic", "1471-2431", "100967804",
    "England", 2000, electronic_only=True,
)
REG_ANESTH = Journal(
    "Regional anesthesia and pain medicine", "Reg Anesth Pain Med", "1532-8651", "Electronic",
    "1098-7339", "9804508", "England", 1997,
)
F1000RES = Journal(
    "F1000Research", "F1000Res", "2046-1402", "Electronic", "2046-1402", "101594320", "England",
    2011, electronic_only=True, medline_indexed=False,
)
PAIN_PHYSICIAN = Journal("Pain physician", "Pain Physician", "2150-1149", "Electronic", "1533-3159",
                         "100954394", "United States", 1997)
PAIN_MANAGEMENT = Journal("Pain management", "Pain Manag", "1758-1877", "Electronic", "1758-1869",
                          "101536859", "England", 2010)
J_PAIN_PALLIAT_CARE = Journal("Journal of pain & palliative care pharmacotherapy",
                              "J Pain Palliat Care Pharmacother", "1536-0539", "Electronic",
                              "1536-0288", "101125608", "England", 2001)

JOURNALS: tuple[Journal, ...] = (
    PAIN, PAIN, PAIN_MEDICINE, PAIN_MEDICINE, EXPERT_REV_NEUROTHER, REG_ANESTH, BMC_PEDIATR,
    Journal("European journal of pain (London, England)", "Eur J Pain", "1532-2149", "Electronic",
            "1090-3801", "9801774", "England", 1996),
    Journal("The journal of pain", "J Pain", "1528-8447", "Electronic", "1526-5900", "100898657",
            "United States", 1999),
    Journal("The Clinical journal of pain", "Clin J Pain", "1536-5409", "Electronic", "0749-8047",
            "8507389", "United States", 1984),
    Journal("Anesthesia and analgesia", "Anesth Analg", "1526-7598", "Electronic", "0003-2999",
            "1310650", "United States", 1927),
    Journal("British journal of anaesthesia", "Br J Anaesth", "1471-6771", "Electronic",
            "0007-0912", "0372541", "England", 1923),
    PAIN_PHYSICIAN,
    Journal("Journal of pain research", "J Pain Res", "1178-7090", "Print", "1178-7090",
            "101540514", "New Zealand", 2007, electronic_only=True),
    J_PAIN_PALLIAT_CARE,
    Journal("Frontiers in pharmacology", "Front Pharmacol", "1663-9812", "Print", "1663-9812",
            "101548923", "Switzerland", 2009, electronic_only=True, medline_indexed=False),
    Journal("PloS one", "PLoS One", "1932-6203", "Electronic", "1932-6203", "101285081",
            "United States", 2005, electronic_only=True),
    Journal("Journal of clinical medicine", "J Clin Med", "2077-0383", "Print", "2077-0383",
            "101606588", "Switzerland", 2011, electronic_only=True, medline_indexed=False),
    PAIN_MANAGEMENT,
    Journal("Anaesthesia", "Anaesthesia", "1365-2044", "Electronic", "0003-2409", "0370524",
            "England", 1945),
    Journal("Der Schmerz", "Schmerz", "1432-2129", "Electronic", "0932-433X", "8901099",
            "Germany", 1986, language="ger"),
    Journal("Annales francaises d'anesthesie et de reanimation", "Ann Fr Anesth Reanim",
            "1769-6623", "Electronic", "0750-7658", "8213275", "France", 1981, language="fre"),
    Journal("Revista espanola de anestesiologia y reanimacion", "Rev Esp Anestesiol Reanim",
            "0034-9356", "Print", "0034-9356", "0134516", "Spain", 1953, language="spa"),
    Journal("Polski merkuriusz lekarski : organ Polskiego Towarzystwa Lekarskiego",
            "Pol Merkur Lekarski", "1426-9686", "Print", "1426-9686", "9705469", "Poland", 1995,
            language="pol"),
)

LAST_NAMES = (
    "Smith", "Jones", "Garcia", "Martinez", "Muller", "Schmidt", "Rossi", "Bianchi", "Dubois",
    "Lefebvre", "Nowak", "Kowalski", "Wisniewski", "Jansen", "de Vries", "van den Berg", "Bakker",
    "Visser", "Andersen", "Nielsen", "Johansson", "Lindqvist", "Korhonen", "Virtanen", "Tanaka",
    "Suzuki", "Takahashi", "Watanabe", "Kim", "Lee", "Park", "Choi", "Chen", "Wang", "Li", "Zhang",
    "Liu", "Yang", "Huang", "Zhao", "Singh", "Patel", "Sharma", "Gupta", "Kumar", "Rao", "Haddad",
    "Nasser", "Cohen", "Levi", "Friedman", "O'Brien", "Murphy", "Kelly", "Walsh", "MacDonald",
    "Campbell", "Stewart", "Thompson", "Robinson", "Clark", "Lewis", "Walker", "Hall", "Young",
    "Allen", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson", "Hill", "Moore", "Taylor",
    "Anderson", "Thomas", "Jackson", "White", "Harris", "Martin", "Gonzalez", "Rodriguez",
    "Fernandez", "Lopez", "Perez", "Sanchez", "Ramirez", "Torres", "Silva", "Santos", "Oliveira",
    "Costa", "Pereira", "Ferreira", "Almeida", "Novak", "Horvath", "Szabo", "Papadopoulos",
    "Georgiou", "Yilmaz", "Demir", "Kaya", "Ivanov", "Petrov", "Popescu", "Moreau", "Laurent",
    "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Klein",
    "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Hofmann", "Hartmann", "Krause", "Lange",
    "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca",
    "Mancini", "Nguyen", "Tran", "Pham", "Ahmed", "Hassan", "Ali", "Okafor", "Mensah", "Adeyemi",
    "Nakamura", "Kobayashi", "Sato", "Ito", "Yamamoto", "Hansen", "Pedersen", "Berg", "Dahl",
    "Eriksson", "Karlsson", "Larsen", "Sørensen", "Øster", "Jørgensen", "Núñez", "Peña", "Müller",
    "Schäfer", "Böhm", "Łukasik", "Dvořák", "Čermák",
)
FORE_NAMES = (
    "Anna", "Maria", "Sofia", "Emma", "Laura", "Julia", "Sarah", "Hannah", "Elena", "Clara",
    "Ingrid", "Astrid", "Yuki", "Mei", "Ji-Yeon", "Priya", "Aisha", "Fatima", "Leila", "Noa",
    "Chiara", "Giulia", "Camille", "Chloé", "Agnieszka", "Katarzyna", "Eva", "Lucia", "Carmen",
    "Isabel", "Rachel", "Rebecca", "Jennifer", "Emily", "Catherine", "Margaret", "Helen", "Susan",
    "Linda", "Karen", "Thomas", "Peter", "Michael", "David", "John", "James", "Robert", "William",
    "Richard", "Daniel", "Matthew", "Andrew", "Christopher", "Mark", "Paul", "Stephen", "Martin",
    "Jan", "Lars", "Erik", "Henrik", "Mikael", "Kenji", "Hiroshi", "Takashi", "Wei", "Jun",
    "Min-Jun", "Raj", "Arjun", "Omar", "Ahmed", "Yusuf", "Ali", "Marco", "Luca", "Giovanni",
    "Pierre", "Jean-Luc", "François", "Piotr", "Tomasz", "Krzysztof", "Miguel", "Carlos", "José",
    "Juan", "Pedro", "Rui", "João", "Dimitrios", "Nikos", "Mehmet", "Sergei", "Dmitri", "Bogdan",
    "Hans-Peter", "Karl-Heinz", "Wolfgang", "Jürgen", "Stefan", "Matthias", "Sven", "Bjørn",
)
SUFFIXES = ("Jr", "Sr", "2nd", "3rd", "III")
COLLECTIVE_NAMES = (
    "CRPS Ketamine Study Group",
    "European Pain Federation Neuropathic Pain Task Force",
    "International Research Consortium for CRPS",
    "Dutch Pain Network Investigators",
    "PROKET Trial Collaborators",
)

CITIES = (
    ("Leiden", "Netherlands"), ("Amsterdam", "Netherlands"), ("Rotterdam", "Netherlands"),
    ("Szczecin", "Poland"), ("Krakow", "Poland"), ("Washington, DC", "USA"), ("Boston, MA", "USA"),
    ("Philadelphia, PA", "USA"), ("Baltimore, MD", "USA"), ("Rochester, MN", "USA"),
    ("Toronto, ON", "Canada"), ("Montreal, QC", "Canada"), ("London", "UK"), ("Oxford", "UK"),
    ("Bath", "UK"), ("Edinburgh", "UK"), ("Dublin", "Ireland"), ("Paris", "France"),
    ("Lyon", "France"), ("Tubingen", "Germany"), ("Munich", "Germany"), ("Berlin", "Germany"),
    ("Heidelberg", "Germany"), ("Vienna", "Austria"), ("Zurich", "Switzerland"),
    ("Milan", "Italy"), ("Rome", "Italy"), ("Madrid", "Spain"), ("Barcelona", "Spain"),
    ("Lisbon", "Portugal"), ("Copenhagen", "Denmark"), ("Aarhus", "Denmark"),
    ("Stockholm", "Sweden"), ("Helsinki", "Finland"), ("Perth", "Australia"),
    ("Sydney", "Australia"), ("Melbourne", "Australia"), ("Auckland", "New Zealand"),
    ("Tokyo", "Japan"), ("Osaka", "Japan"), ("Seoul", "Korea"), ("Beijing", "China"),
    ("Shanghai", "China"), ("Taipei", "Taiwan"), ("Tel Aviv", "Israel"), ("Sao Paulo", "Brazil"),
)
DEPARTMENTS = (
    "Anesthesiology", "Anaesthesiology and Intensive Care", "Neurology", "Pain Medicine",
    "Rehabilitation Medicine", "Pharmacology", "Psychiatry", "Pediatrics", "Hand Surgery",
    "Physical Medicine and Rehabilitation", "Clinical Neurophysiology", "Pain Management",
)
INSTITUTIONS = (
    "{city} University Medical Center", "University Hospital {city}", "{city} General Hospital",
    "Faculty of Medicine, University of {city}", "{city} Institute for Pain Research",
    "Children's Hospital of {city}", "Medical University of {city}",
)

# Topic slots of title templates; plain text (escaped when rendered).
DRUGS = (
    "ketamine", "ketamine", "ketamine", "esketamine", "S-ketamine", "racemic ketamine",
    "low-dose ketamine", "subanesthetic ketamine", "intravenous ketamine", "oral ketamine",
    "intranasal esketamine", "topical ketamine", "ketamine and magnesium", "memantine",
    "dextromethorphan", "amantadine", "NMDA receptor antagonists",
)
COMPARATORS = ("placebo", "lidocaine", "midazolam", "magnesium sulfate", "bisphosphonates",
               "physical therapy", "standard care", "morphine", "gabapentin")
CONDITIONS = (
    "complex regional pain syndrome", "complex regional pain syndrome", "CRPS type 1",
    "complex regional pain syndrome type I", "CRPS type II", "chronic CRPS",
    "neuropathic pain", "chronic postsurgical pain", "phantom limb pain", "fibromyalgia",
    "postherpetic neuralgia", "spinal cord injury pain", "chemotherapy-induced neuropathy",
    "treatment-resistant depression", "chronic low back pain", "painful diabetic neuropathy",
    "refractory cancer pain", "chronic widespread pain",
)
POPULATIONS = ("adults", "children and adolescents", "older adults", "outpatients",
               "veterans", "women", "inpatients", "opioid-tolerant patients")
OUTCOMES = ("pain intensity", "allodynia", "sleep quality", "opioid consumption",
            "physical function", "quality of life", "mood", "psychotomimetic adverse events",
            "liver function", "cognitive function", "cold hyperalgesia", "disability")
MECHANISMS = ("central sensitization", "glutamatergic signalling", "NMDA receptor upregulation",
              "microglial activation", "descending pain inhibition", "cortical reorganization",
              "neurogenic inflammation", "autonomic dysfunction")
REGIMENS = ("a 4-day continuous infusion", "a 5-day inpatient infusion", "outpatient infusions",
            "repeated booster infusions", "a single infusion", "a 10-day infusion protocol",
            "ascending-dose infusions")
TAILS = (": a {k}-year follow-up", " in {country}", ": results from a national registry",
         ": experience from {city}", " at {k} months", ": a {k}-centre study")

# design phrase -> publication types besides "Journal Article", and abstract style
DESIGNS = (
    ("a randomized controlled trial", ("Randomized Controlled Trial",), "structured"),
    ("a double-blind placebo-controlled trial", ("Randomized Controlled Trial",), "structured"),
    ("a retrospective cohort study", ("Observational Study",), "structured"),
    ("a prospective observational study", ("Observational Study",), "structured"),
    ("a systematic review and meta-analysis", ("Systematic Review", "Meta-Analysis"), "structured"),
    ("a narrative review", ("Review",), "plain"),
    ("a case series", ("Case Reports",), "plain"),
    ("a case report", ("Case Reports",), "plain"),
    ("a pilot study", ("Clinical Trial",), "structured"),
    ("a phase II open-label study", ("Clinical Trial, Phase II",), "structured"),
    ("a secondary analysis", ("Comparative Study",), "plain"),
)
TITLE_TEMPLATES = (
    "{Drug} for {condition}: {design}.",
    "Efficacy of {drug} in {condition}: {design}.",
    "Effect of {drug} on {outcome} in {population} with {condition}{tail}.",
    "{Drug} versus {comparator} for {condition}: {design}.",
    "{Regimen} of {drug} for {condition} in {population}{tail}.",
    "Long-term outcomes of {drug} in {condition}{tail}.",
    "Role of {mechanism} in {condition}{tail}.",
    "Does {drug} reduce {outcome} in {condition}? Results of {design}.",
    "Safety of {drug} in {population} with {condition}: {design}.",
    "Predictors of response to {drug} in {condition}{tail}.",
    "{Mechanism} and the analgesic effect of {drug} in {condition}.",
    "Effect of <i>N</i>-methyl-D-aspartate receptor blockade on {outcome} in {condition}{tail}.",
    "[<sup>11</sup>C]{drug} PET imaging of NMDA receptor occupancy in {condition}.",
    "Mg<sup>2+</sup> and {drug} for {outcome} in {condition}: {design}.",
    "{Drug}-associated {outcome} changes after treatment of {condition}{tail}.",
    "Patient-reported {outcome} after {drug} for {condition}: {design}.",
    "Pharmacokinetics of {drug} in {population} with {condition}.",
    "Is {drug} effective for {condition}? {Design}.",
)
# Translated articles: a title template per language, and the slot words it may use.
VERNACULAR_LANGUAGES = ("ger", "fre", "spa", "pol")
VERNACULAR_TEMPLATES = dict(zip(VERNACULAR_LANGUAGES, (
    "{drug} bei {condition}: {design}", "{drug} dans {condition} : {design}",
    "{drug} en {condition}: {design}", "{drug} w {condition}: {design}",
)))
TRANSLATIONS = {  # English -> (ger, fre, spa, pol)
    "ketamine": ("Ketamin", "La kétamine", "Ketamina", "Ketamina"),
    "esketamine": ("Esketamin", "L'eskétamine", "Esketamina", "Esketamina"),
    "low-dose ketamine": (
        "Niedrig dosiertes Ketamin", "La kétamine à faible dose", "Ketamina a dosis bajas",
        "Ketamina w małych dawkach"),
    "complex regional pain syndrome": (
        "komplexem regionalem Schmerzsyndrom", "le syndrome douloureux régional complexe",
        "el síndrome de dolor regional complejo", "zespole bólowym regionalnym złożonym"),
    "neuropathic pain": (
        "neuropathischen Schmerzen", "la douleur neuropathique", "el dolor neuropático", "bólu neuropatycznym"),
    "phantom limb pain": (
        "Phantomschmerz", "la douleur du membre fantôme", "el dolor de miembro fantasma", "bólu fantomowym"),
    "a retrospective cohort study": (
        "eine retrospektive Kohortenstudie", "une étude de cohorte rétrospective",
        "un estudio de cohortes retrospectivo", "retrospektywne badanie kohortowe"),
    "a case report": ("ein Fallbericht", "un cas clinique", "a propósito de un caso", "opis przypadku"),
    "a narrative review": (
        "eine Übersicht", "une revue narrative", "una revisión narrativa", "przegląd literatury"),
}
TRANSLATED_DRUGS = ("ketamine", "esketamine", "low-dose ketamine")
TRANSLATED_CONDITIONS = ("complex regional pain syndrome", "neuropathic pain", "phantom limb pain")
TRANSLATED_DESIGNS = ("a retrospective cohort study", "a case report", "a narrative review")

PUBLICATION_TYPE_UI = {
    "Journal Article": "D016428", "Review": "D016454", "Systematic Review": "D000078182",
    "Meta-Analysis": "D017418", "Randomized Controlled Trial": "D016449",
    "Clinical Trial": "D016430", "Clinical Trial, Phase II": "D017427",
    "Observational Study": "D064888", "Case Reports": "D002363", "Comparative Study": "D003160",
    "Letter": "D016422", "Comment": "D016420", "Editorial": "D016421",
    "Published Erratum": "D016425", "Retraction of Publication": "D016441",
    "Retracted Publication": "D016440", "Congress": "D016423", "English Abstract": "D004740",
    "Research Support, Non-U.S. Gov't": "D013485",
    "Research Support, N.I.H., Extramural": "D052061",
}

# MeSH descriptors and qualifiers (name -> UI)
MESH_UI = {
    "Complex Regional Pain Syndromes": "D020918", "Reflex Sympathetic Dystrophy": "D012019",
    "Causalgia": "D002417", "Ketamine": "D007649", "Humans": "D006801", "Female": "D005260",
    "Male": "D008297", "Adult": "D000328", "Middle Aged": "D008875", "Aged": "D000368",
    "Adolescent": "D000293", "Child": "D002648", "Young Adult": "D055815",
    "Neuralgia": "D009437", "Pain Measurement": "D010147", "Treatment Outcome": "D016896",
    "Infusions, Intravenous": "D007262", "Double-Blind Method": "D004311",
    "Chronic Pain": "D059350", "Analgesics": "D000700",
    "Excitatory Amino Acid Antagonists": "D018691",
    "Receptors, N-Methyl-D-Aspartate": "D016194", "Hyperalgesia": "D006930",
    "Retrospective Studies": "D012189", "Prospective Studies": "D011446",
    "Administration, Topical": "D000287", "Dose-Response Relationship, Drug": "D004305",
    "Phantom Limb": "D010591", "Fibromyalgia": "D005356",
    "Depressive Disorder, Treatment-Resistant": "D061218", "Memantine": "D008559",
    "Outpatients": "D010045", "Time Factors": "D013997",
}
QUALIFIER_UI = {
    "drug therapy": "Q000188", "therapeutic use": "Q000627", "administration & dosage": "Q000008",
    "adverse effects": "Q000009", "pharmacology": "Q000494", "physiopathology": "Q000503",
    "diagnosis": "Q000175", "etiology": "Q000209", "metabolism": "Q000378",
    "pharmacokinetics": "Q000493", "therapy": "Q000628",
}
CONDITION_HEADINGS = {
    "neuropathic pain": "Neuralgia", "phantom limb pain": "Phantom Limb", "fibromyalgia": "Fibromyalgia",
    "treatment-resistant depression": "Depressive Disorder, Treatment-Resistant",
}
AGENT_QUALIFIERS = ("administration & dosage", "therapeutic use", "adverse effects", "pharmacology")
CHECK_TAGS_AND_METHODS = (
    "Female", "Male", "Adult", "Middle Aged", "Aged", "Adolescent", "Treatment Outcome", "Pain Measurement",
    "Infusions, Intravenous", "Double-Blind Method", "Time Factors", "Retrospective Studies",
    "Prospective Studies", "Dose-Response Relationship, Drug",
)
CHEMICALS = {  # name -> (RegistryNumber, UI)
    "Ketamine": ("690G0D6V8H", "D007649"),
    "Excitatory Amino Acid Antagonists": ("0", "D018691"),
    "Analgesics": ("0", "D000700"),
    "Receptors, N-Methyl-D-Aspartate": ("0", "D016194"),
    "Memantine": ("W8O17SJF3T", "D008559"),
}
KEYWORDS = (
    "CRPS", "Complex regional pain syndrome", "Ketamine", "NMDA receptor", "Neuropathic pain",
    "Esketamine", "Central sensitization", "Infusion", "Allodynia", "Chronic pain", "Analgesia",
    "Glutamate", "Psychotomimetic effects", "Outpatient", "Pediatrics",
)
GRANTS = (  # (id pattern, acronym, agency, country); "{n}" is a 6-digit number
    ("R01 NS{n}", "NS", "NINDS NIH HHS", "United States"),
    ("K23 DA{n}", "DA", "NIDA NIH HHS", "United States"),
    ("R21 AT{n}", "AT", "NCCIH NIH HHS", "United States"),
    ("{n}", None, "ZonMw", "Netherlands"),
    ("MR/T0{n}/1", "MRC_", "Medical Research Council", "United Kingdom"),
    ("DFG {n}", None, "Deutsche Forschungsgemeinschaft", "Germany"),
)
CONFLICT_STATEMENTS = (
    "The authors declare no conflicts of interest.",
    "The authors have no competing interests to declare.",
    "One author received speaker fees from a manufacturer of ketamine formulations.",
)
