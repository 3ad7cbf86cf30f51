// The triage page. Every piece of data is put into the page with textContent or DOM nodes,
// never as HTML; the Content-Security-Policy forbids inline scripts anyway.
"use strict";

const state = {
  csrf: null,
  reviewer: null,
  settings: null,
  filter: "undecided",
  text: "",
  facets: {},
  items: [],
  total: 0,
  index: 0,
  paper: null,
  history: [], // pmids decided on this page, for u(ndo)
  resolving: false,
  rankingVersion: 0, // the server's live re-ranking the list shows (0: the nightly's order)
  pendingDecision: null, // "exclude" while the reason picker is open
  highlight: (text) => document.createTextNode(text || ""),
};

const $ = (id) => document.getElementById(id);
const PAGE = 100;
const RERANK_DELAY_MS = 1000; // the server re-ranks ~0.1-0.5 s after a decision

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function toast(message) {
  const box = $("toast");
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 4000);
}

async function api(method, path, body) {
  const headers = {};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && state.csrf) headers["X-CSRF-Token"] = state.csrf;
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
  });
  if (response.status === 401 && path !== "/api/session") {
    showLogin();
    throw new Error("signed out");
  }
  const data = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(data && data.detail ? data.detail : response.statusText);
  return data;
}

// ---- signing in ----

function showLogin() {
  $("workspace").hidden = true;
  $("help-button").hidden = $("sign-out").hidden = true;
  $("who").textContent = "";
  $("login").hidden = false;
  $("login-name").focus();
}

async function signIn(event) {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    const session = await api("POST", "/api/session", {
      name: $("login-name").value,
      password: $("login-password").value,
    });
    $("login-password").value = "";
    await start(session);
  } catch (error) {
    $("login-error").textContent = error.message;
  }
}

async function signOut() {
  await api("DELETE", "/api/session");
  state.csrf = null;
  showLogin();
}

async function start(session) {
  state.csrf = session.csrf_token;
  state.reviewer = session.reviewer;
  state.settings = await api("GET", "/api/settings");
  state.highlight = makeHighlighter({
    include: state.settings.include_words,
    exclude: state.settings.exclude_words,
  });
  $("login").hidden = true;
  $("workspace").hidden = false;
  $("help-button").hidden = $("sign-out").hidden = false;
  $("who").textContent = `${session.reviewer} · ${state.settings.mode} screening`;
  renderFacets();
  renderDownloads();
  document.activeElement.blur();
  await loadQueue();
  await openFromHash();
}

// the morning digest links to REVIEW_URL#/paper/PMID
async function openFromHash() {
  const match = /^#\/paper\/(\d+)$/.exec(location.hash);
  if (!match) return;
  let position = state.items.findIndex((item) => item.pmid === Number(match[1]));
  if (position < 0) {
    try {
      state.items.unshift(await api("GET", `/api/papers/${match[1]}`));
    } catch (error) {
      return toast(error.message);
    }
    position = 0;
  }
  await select(position);
}

// ---- the queue ----

function queueUrl(offset, limit) {
  const params = new URLSearchParams({ filter: state.filter, q: state.text, offset, limit });
  for (const [column, value] of Object.entries(state.facets)) if (value) params.set(column, value);
  return "/api/queue?" + params.toString();
}

async function loadQueue(keepPmid) {
  const data = await api("GET", queueUrl(0, PAGE));
  state.items = data.items;
  state.total = data.total;
  state.rankingVersion = data.ranking_version;
  renderFilters(data.counts);
  const keep = state.items.findIndex((item) => item.pmid === keepPmid);
  state.index = keep >= 0 ? keep : 0;
  renderQueue();
  await openCurrent();
}

// After decisions: the paper in front of the reviewer stays first, the re-ranked rest follows.
async function showReranked() {
  const data = await api("GET", queueUrl(0, PAGE));
  if (data.ranking_version === state.rankingVersion || state.filter !== "undecided") return;
  const current = state.items[state.index];
  const rest = data.items.filter((item) => !current || item.pmid !== current.pmid);
  state.items = current ? [current, ...rest] : rest;
  state.index = 0;
  state.total = data.total;
  state.rankingVersion = data.ranking_version;
  renderQueue();
  if (!current) await openCurrent();
}

async function loadMore() {
  const data = await api("GET", queueUrl(state.items.length, PAGE));
  state.items.push(...data.items);
  renderQueue();
}

async function refreshCounts() {
  const data = await api("GET", queueUrl(0, 0));
  renderFilters(data.counts);
}

function renderFilters(counts) {
  const box = $("filters");
  box.replaceChildren();
  for (const name of state.settings.filters) {
    const button = el("button", `${name} ${counts[name] ?? ""}`);
    button.type = "button";
    button.setAttribute("role", "tab");
    button.dataset.filter = name;
    button.setAttribute("aria-selected", String(name === state.filter));
    button.addEventListener("click", () => setFilter(name));
    box.append(button);
  }
}

function renderFacets() {
  const box = $("facets");
  box.replaceChildren();
  for (const [column, values] of Object.entries(state.settings.facets || {})) {
    const select = el("select");
    select.setAttribute("aria-label", column);
    select.append(new Option(`${column.replace("_", " ")}: any`, ""));
    for (const value of values) select.append(new Option(value, value));
    select.addEventListener("change", () => {
      state.facets[column] = select.value;
      loadQueue();
    });
    box.append(select);
  }
}

function renderDownloads() {
  if (!state.settings.exports) return;
  $("downloads").hidden = false;
  const box = $("export-links");
  box.replaceChildren();
  for (const [format, status] of [["ris", "included"], ["bibtex", "included"], ["csv", ""]]) {
    const link = el("a", `${format.toUpperCase()}${status ? " (included)" : " (all, with decisions)"}`);
    link.href = "/api/export?" + new URLSearchParams({ format, status }).toString();
    link.setAttribute("download", "");
    box.append(link, document.createTextNode(" "));
  }
  renderPrisma();
}

async function renderPrisma() {
  if (!state.settings.exports) return;
  const counts = await api("GET", "/api/prisma");
  const list = $("prisma");
  list.replaceChildren();
  for (const [name, value] of Object.entries(counts)) {
    const nested = value !== null && typeof value === "object";
    list.append(el("dt", name.replaceAll("_", " ")), el("dd", nested ? "" : value));
    if (nested) for (const [key, count] of Object.entries(value)) list.append(el("dt", `· ${key}`, "sub"), el("dd", count));
  }
}

function statusLabel(item) {
  const mine = item.my_decision ? `you: ${item.my_decision.decision}` : "";
  return [item.status, mine].filter(Boolean).join(" · ");
}

function renderQueue() {
  const list = $("queue");
  list.replaceChildren();
  state.items.forEach((item, position) => {
    const row = el("li");
    row.dataset.pmid = item.pmid;
    row.className = "item" + (position === state.index ? " current" : "") + (item.done ? " done" : "");
    row.append(el("span", item.title || "(no title)", "item-title"));
    const meta = el("span", `${item.authors[0] || ""} · ${item.journal || ""} ${item.year || ""}`, "muted");
    row.append(meta);
    const chips = el("span", "", "chips");
    chips.append(el("span", statusLabel(item), `chip status-${item.status}`));
    if (item.members.length > 1) chips.append(el("span", `${item.members.length} records`, "chip"));
    if (item.is_retracted) chips.append(el("span", "retracted", "chip danger"));
    if (item.changed_since_decided) chips.append(el("span", "changed since decided", "chip warn"));
    if (item.relevance !== undefined && item.relevance !== null)
      chips.append(el("span", `relevance ${Number(item.relevance).toFixed(2)}`, "chip"));
    for (const tag of item.tag_chips || []) chips.append(el("span", tag, "chip tag"));
    row.append(chips);
    row.addEventListener("click", () => select(position));
    list.append(row);
  });
  $("queue-total").textContent = `${state.total} in “${state.filter}”`;
  $("more").hidden = state.items.length >= state.total;
}

async function select(position) {
  if (position < 0 || position >= state.items.length) return;
  state.index = position;
  state.resolving = false;
  renderQueue();
  const row = $("queue").children[position];
  if (row) row.scrollIntoView({ block: "nearest" });
  await openCurrent();
}

async function move(step) {
  const next = state.index + step;
  if (next >= state.items.length && state.items.length < state.total) await loadMore();
  await select(Math.min(Math.max(next, 0), state.items.length - 1));
}

async function setFilter(name) {
  state.filter = name;
  await loadQueue();
}

// ---- the paper ----

async function openCurrent() {
  const item = state.items[state.index];
  $("empty").hidden = !!item;
  $("paper-body").hidden = !item;
  state.paper = null;
  if (!item) return;
  const paper = await api("GET", `/api/papers/${item.pmid}`);
  if (state.items[state.index] !== item) return; // the reviewer moved on meanwhile
  state.paper = paper;
  renderPaper(paper);
}

function list(id, values, makeItem) {
  const box = $(id);
  box.replaceChildren(...values.map(makeItem || ((value) => el("li", value))));
}

function link(label, url) {
  const a = el("a", label);
  if (/^https:\/\//.test(url)) a.href = url; // only links we built; never a javascript: URL
  a.rel = "noopener noreferrer";
  a.target = "_blank";
  return a;
}

function renderPaper(paper) {
  $("paper-body").dataset.pmid = paper.pmid;
  $("retracted").hidden = !paper.is_retracted;
  $("changed").hidden = !paper.changed_since_decided;
  $("title").replaceChildren(state.highlight(paper.title || "(no title)"));
  $("authors").textContent = paper.authors.join(", ");
  $("source").textContent = [paper.journal, paper.year, `PMID ${paper.pmid}`].filter(Boolean).join(" · ");
  const links = $("links");
  links.replaceChildren();
  for (const { label, url } of paper.links) links.append(link(label, url), document.createTextNode(" "));
  list("chips", paper.tag_chips || [], (tag) => el("span", tag, "chip tag"));
  $("relevance-why").textContent = paper.relevance_why || "";

  const abstract = $("abstract");
  abstract.replaceChildren();
  if (!paper.abstract_sections.length) abstract.append(el("p", "(no abstract)", "muted"));
  for (const section of paper.abstract_sections) {
    const p = el("p");
    if (section.label) p.append(el("strong", section.label + ": "));
    p.append(state.highlight(section.text));
    abstract.append(p);
  }
  list("types", paper.publication_types);
  list("mesh", paper.mesh_terms, (term) => {
    const item = el("li");
    item.append(state.highlight(term));
    return item;
  });
  list("keywords", paper.keywords);
  $("related-heading").hidden = !paper.related.length;
  list("related", paper.related, (related) => {
    const item = el("li");
    item.append(el("span", related.kind.replace("pubmed:", "") + (related.direction === "this" ? " → " : " ← "), "muted"));
    if (related.pmid) item.append(link(`PMID ${related.pmid}`, `https://pubmed.ncbi.nlm.nih.gov/${related.pmid}/`), document.createTextNode(" "));
    item.append(el("span", related.title || ""));
    return item;
  });
  const others = paper.members.filter((member) => member.pmid !== paper.pmid);
  $("members-heading").hidden = !others.length;
  list("members", others, (member) => el("li", `PMID ${member.pmid}: ${member.title} (${member.journal || ""} ${member.year || ""})`));
  // why the cluster's records were folded together: each merge, field by field
  const merges = paper.merges || [];
  $("merges-heading").hidden = !merges.length;
  list("merges", merges, (merge) => {
    const item = el("li");
    item.append(el("span", `${merge.records.join(" + ")}: ${merge.reason}`));
    const fields = el("div", merge.fields.map((f) => `${f.field} ${f.verdict}`).join(" · "), "muted");
    item.append(fields);
    return item;
  });
  renderDecision(paper);
}

function renderDecision(paper) {
  const mine = paper.my_decision;
  let line = mine ? `Your decision: ${mine.decision}${mine.reason ? " (" + mine.reason + ")" : ""}.` : "Not decided by you yet.";
  if (paper.status === "awaiting") line += " Waiting for a second reviewer.";
  if (paper.status === "conflict") line += " Conflict: the reviewers disagree.";
  if (paper.resolved_by) line += ` Resolved by ${paper.resolved_by}: ${paper.final_decision}.`;
  $("status-line").textContent = line;
  list("others", paper.decisions.filter((d) => d.reviewer !== state.reviewer), (d) =>
    el("li", `${d.reviewer}: ${d.decision}${d.reason ? " (" + d.reason + ")" : ""}${d.note ? " — " + d.note : ""}`));
  $("resolve").hidden = paper.status !== "conflict";
  $("note").value = mine && mine.note ? mine.note : "";
  $("tags").value = mine ? mine.tags.join(", ") : "";
  $("reason-picker").hidden = true;
}

// ---- deciding ----

function askReason(decision) {
  const reasons = state.settings.exclusion_reasons;
  if (!reasons.length) return send(decision, null);
  state.pendingDecision = decision;
  list("reasons", reasons, (reason) => el("li", reason));
  $("reason-picker").hidden = false;
}

async function decide(decision) {
  if (!state.paper) return;
  if (decision === "exclude") return askReason(decision);
  await send(decision, null);
}

async function send(decision, reason) {
  const paper = state.paper;
  const resolving = state.resolving;
  state.pendingDecision = null;
  state.resolving = false;
  $("reason-picker").hidden = true;
  const tags = $("tags").value.split(",").map((t) => t.trim()).filter(Boolean);
  const body = { pmid: paper.pmid, decision, reason, note: $("note").value || null };
  try {
    if (resolving) {
      await api("POST", "/api/resolutions", body);
      toast(`PMID ${paper.pmid} resolved: ${decision}`);
    } else {
      await api("POST", "/api/decisions", { ...body, tags });
      state.history.push(paper.pmid);
      toast(`PMID ${paper.pmid}: ${decision}`);
    }
  } catch (error) {
    toast(error.message);
    return;
  }
  await afterChange(paper.pmid, !resolving);
}

async function afterChange(pmid, advance) {
  const position = state.items.findIndex((item) => item.pmid === pmid);
  if (position >= 0) {
    const fresh = await api("GET", `/api/papers/${pmid}`);
    // struck through where it no longer belongs: decided (undecided list), settled (conflicts)
    fresh.done = state.filter === "undecided" ? !!fresh.my_decision : state.filter === "conflicts" && fresh.status !== "conflict";
    state.items[position] = fresh;
  }
  refreshCounts();
  setTimeout(renderPrisma, 1500); // the counts come from the analysts' views, a moment behind
  if (state.filter === "undecided") setTimeout(showReranked, RERANK_DELAY_MS);
  if (advance && position === state.index && state.index < state.items.length - 1) await move(1);
  else await select(state.index);
}

async function undo() {
  const pmid = state.history.pop() || (state.paper && state.paper.my_decision ? state.paper.pmid : null);
  if (!pmid) return toast("nothing to undo");
  try {
    await api("POST", "/api/undo", { pmid });
  } catch (error) {
    return toast(error.message);
  }
  toast(`PMID ${pmid}: decision undone`);
  const position = state.items.findIndex((item) => item.pmid === pmid);
  if (position >= 0) state.index = position;
  await afterChange(pmid, false);
}

function startResolving() {
  if (!state.paper || state.paper.status !== "conflict") return toast("only a conflict can be resolved");
  state.resolving = true;
  $("status-line").textContent = "Resolving: press i, m or e for the final decision (Esc cancels).";
}

// ---- keyboard ----

function onKey(event) {
  if ($("workspace").hidden || event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (event.key === "Escape") {
    $("help").hidden = true;
    $("reason-picker").hidden = true;
    state.pendingDecision = null;
    if (state.resolving && state.paper) renderDecision(state.paper);
    state.resolving = false;
    if (typing) document.activeElement.blur();
    return;
  }
  if (typing) {
    if (event.key === "Enter" && document.activeElement === $("search")) document.activeElement.blur(); // fires "change"
    return;
  }
  if (state.pendingDecision) {
    const number = Number(event.key);
    const reasons = state.settings.exclusion_reasons;
    if (number >= 1 && number <= reasons.length) send(state.pendingDecision, reasons[number - 1]);
    event.preventDefault();
    return;
  }
  const actions = {
    j: () => move(1),
    k: () => move(-1),
    i: () => decide("include"),
    m: () => decide("maybe"),
    e: () => decide("exclude"),
    u: () => undo(),
    r: () => startResolving(),
    n: () => $("note").focus(),
    t: () => $("tags").focus(),
    "/": () => $("search").focus(),
    "?": () => ($("help").hidden = !$("help").hidden),
    c: () => setFilter("conflicts"),
    "[": () => cycleFilter(-1),
    "]": () => cycleFilter(1),
  };
  const action = actions[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
}

function cycleFilter(step) {
  const names = state.settings.filters;
  const next = (names.indexOf(state.filter) + step + names.length) % names.length;
  setFilter(names[next]);
}

// ---- wiring ----

document.addEventListener("DOMContentLoaded", async () => {
  $("login-form").addEventListener("submit", signIn);
  $("sign-out").addEventListener("click", signOut);
  $("help-button").addEventListener("click", () => ($("help").hidden = !$("help").hidden));
  $("more").addEventListener("click", loadMore);
  $("undo").addEventListener("click", undo);
  $("resolve").addEventListener("click", startResolving);
  $("search").addEventListener("change", () => {
    state.text = $("search").value;
    loadQueue();
  });
  for (const button of document.querySelectorAll("[data-decision]"))
    button.addEventListener("click", () => decide(button.dataset.decision));
  $("reasons").addEventListener("click", (event) => {
    const item = event.target.closest("li");
    if (item && state.pendingDecision) send(state.pendingDecision, item.textContent);
  });
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", () => state.csrf && openFromHash());
  try {
    await start(await api("GET", "/api/session"));
  } catch {
    showLogin();
  }
});
