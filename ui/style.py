"""CSS and the small bit of JavaScript the panels use (static strings, no user text)."""

PANEL_CSS = """
.sq-evidence, .sq-reader { font-size: 0.95rem; line-height: 1.5; }
mark.sq-hl { background: #fde68a; color: #111827; padding: 0 2px; border-radius: 2px; }
.sq-cite { border-left: 3px solid #94a3b8; padding: 2px 10px; margin: 10px 0; }
.sq-cite-head { font-size: 0.85rem; opacity: 0.85; }
.sq-n { font-weight: 700; }
blockquote.sq-passage { margin: 4px 0 0 0; white-space: pre-wrap; }
table.sq-findings { border-collapse: collapse; width: 100%; margin: 6px 0; }
table.sq-findings th, table.sq-findings td {
  border: 1px solid #cbd5e1; padding: 3px 6px; vertical-align: top; font-size: 0.85rem;
  text-align: left;
}
tr.sq-verdict-yes td:nth-child(3) { font-weight: 700; }
.sq-coverage, .sq-filters, .sq-question { margin: 2px 0; font-size: 0.9rem; }
.sq-empty { opacity: 0.7; font-style: italic; }
.sq-error { color: #b91c1c; }
.sq-gap { opacity: 0.65; white-space: pre-wrap; font-size: 0.85rem; margin: 6px 0; }
.sq-p { white-space: pre-wrap; margin: 8px 0; }
.sq-section { margin: 18px 0 4px 0; }
.sq-meta { margin: 0 0 8px 0; font-size: 0.9rem; }
"""

# Runs when the reader mounts (tabs mount lazily, so possibly with a value already set)
# and after every new value: scrolls the highlighted span into view.
SCROLL_TO_MARK_JS = """
const go = () => {
  const m = element.querySelector('#sq-hl');
  if (m) { m.scrollIntoView({block: 'center'}); }
};
setTimeout(go, 250);
watch('value', () => { setTimeout(go, 250); });
"""
