// Include words in green, exclude words in red: text is split into text nodes and <mark>
// elements, so a paper's text is never parsed as HTML.
"use strict";

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// words: {include: [...], exclude: [...]} -> function(text) returning a DocumentFragment
function makeHighlighter(words) {
  const kinds = new Map();
  for (const word of words.exclude || []) if (word.trim()) kinds.set(word.trim().toLowerCase(), "exclude");
  for (const word of words.include || []) if (word.trim()) kinds.set(word.trim().toLowerCase(), "include");
  const patterns = [...kinds.keys()]
    .sort((a, b) => b.length - a.length)
    .map((w) => (/^\w/.test(w) ? "\\b" : "") + escapeRegExp(w) + (/\w$/.test(w) ? "\\b" : ""));
  const pattern = patterns.length ? new RegExp("(" + patterns.join("|") + ")", "gi") : null;

  return function highlight(text) {
    const fragment = document.createDocumentFragment();
    text = text || "";
    if (!pattern) {
      fragment.append(document.createTextNode(text));
      return fragment;
    }
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      if (match.index > last) fragment.append(document.createTextNode(text.slice(last, match.index)));
      const mark = document.createElement("mark");
      mark.className = kinds.get(match[0].toLowerCase()) || "include";
      mark.textContent = match[0];
      fragment.append(mark);
      last = match.index + match[0].length;
    }
    if (last < text.length) fragment.append(document.createTextNode(text.slice(last)));
    return fragment;
  };
}
