// The source reader (issue 20): a selection in the text becomes a link to argue from that
// passage, with its exact character offsets; a #passage-… fragment marks every segment of its
// passage (overlaps split a passage into several). Without JavaScript the page still works:
// each paragraph has its own "Argue from this paragraph" link, and :target marks a passage's start.
(() => {
  "use strict";

  const paragraphOf = (node) => {
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element ? element.closest(".reader__paragraph") : null;
  };

  // The offset in the source's text of a point in the reader: the paragraph's own offset plus
  // the length of its text before the point (the paragraph's text is the source's, verbatim).
  const offsetOf = (paragraph, node, offset) => {
    const before = document.createRange();
    before.setStart(paragraph, 0);
    before.setEnd(node, offset);
    // In code points, as the server counts (a string's length counts UTF-16 units).
    return Number(paragraph.dataset.start) + [...before.toString()].length;
  };

  const selectedPassage = () => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
    const range = selection.getRangeAt(0);
    const first = paragraphOf(range.startContainer);
    const last = paragraphOf(range.endContainer);
    if (!first || !last) return null;
    const start = offsetOf(first, range.startContainer, range.startOffset);
    const end = offsetOf(last, range.endContainer, range.endOffset);
    return end > start ? { start, end } : null;
  };

  const showArgueLink = () => {
    const link = document.getElementById("argue-selection");
    const reader = document.getElementById("reader-body");
    if (!link || !reader || !reader.dataset.argueUrl) return;
    const passage = selectedPassage();
    link.hidden = passage === null;
    if (passage) link.href = `${reader.dataset.argueUrl}?start=${passage.start}&end=${passage.end}`;
  };

  const markPassage = () => {
    document.querySelectorAll(".passage--current").forEach((segment) => {
      segment.classList.remove("passage--current");
    });
    const fragment = decodeURIComponent(window.location.hash.slice(1));
    if (!fragment.startsWith("passage-")) return;
    document.querySelectorAll(".passage[data-passages]").forEach((segment) => {
      if (segment.dataset.passages.split(" ").includes(fragment)) {
        segment.classList.add("passage--current");
      }
    });
  };

  document.addEventListener("selectionchange", showArgueLink);
  window.addEventListener("hashchange", markPassage);
  // The live stream reloads the reader's body: the passage stays marked.
  document.addEventListener("htmx:after:swap", markPassage);
  document.documentElement.classList.add("reader-scripted");
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markPassage);
  } else {
    markPassage();
  }
})();
