"""The page's CSS and its two small scripts. Neither script reads text into HTML: they only open,
show and scroll elements the server rendered (already escaped), copy ``textContent``, and turn
``data-action`` clicks into Gradio events."""

# Given to every action-bearing gr.HTML as js_on_load: a click (or Enter/Space) on an element with
# data-action sends {action, id} to the Python handler; nothing else is forwarded.
ACTION_JS = """
const fire = (t) => {
  if ((t.dataset.id || '').includes('#') && window.studyAssistant) window.studyAssistant.remember(t);
  trigger('click', {action: t.dataset.action || '', id: t.dataset.id || ''});
};
element.addEventListener('click', (ev) => {
  const t = ev.target.closest('[data-action]');
  if (t && element.contains(t)) { ev.preventDefault(); fire(t); }
});
element.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Enter' && ev.key !== ' ') return;
  const t = ev.target.closest('[data-action]');
  if (t && t.tagName !== 'BUTTON' && element.contains(t)) { ev.preventDefault(); fire(t); }
});
"""

# The chart's js_on_load: the category labels follow the chart's sideways scroll, so they stay at the
# visible left edge on a phone (SVG has no position: sticky). Gradio patches the chart in place when an
# event is selected, dropping the offset while the scroll position stays: so it is restored on changes too.
CHART_JS = """
const place = () => {
  const box = element.querySelector('.chart-scroll');
  const svg = box && box.querySelector('svg');
  const labels = svg && svg.querySelector('.cat-labels');
  if (!labels) return;
  const scale = svg.viewBox.baseVal.width / (svg.getBoundingClientRect().width || 1);
  const want = `translate(${(box.scrollLeft * scale).toFixed(1)} 0)`;
  if (labels.getAttribute('transform') !== want) labels.setAttribute('transform', want);
};
element.addEventListener('scroll', place, true);
new MutationObserver(place).observe(element, {childList: true, subtree: true, attributes: true,
                                              attributeFilter: ['transform']});
"""

# Run after an action: a chapter opened "in context" scrolls to its marked section.
FOCUS_JS = """() => { setTimeout(() => {
  const article = document.querySelector('#chapter-view article[data-focus]');
  if (!article || !window.studyAssistant) return;
  const id = article.dataset.focus;
  article.removeAttribute('data-focus');
  window.studyAssistant.focus(id);
}, 60); }"""

# Injected into <head>: citation markers open their card in the sources panel (showing that
# answer's sources), in-page links open <details> targets, copy buttons copy a hidden <pre>. A jump
# that leaves its origin off screen offers a "Back" button; the chat's own copy buttons copy the
# answer with its references instead of its Markdown.
HEAD_JS = """<script>
(() => {
  if (window.__studyAssistantUi) return;
  window.__studyAssistantUi = true;
  const PREFIXES = ['src-', 'ret-', 'turn-', 'chev-', 'sec-', 'sel-'];
  let origin = null, remembered = null;
  function flash(el) {
    if (!el) return;
    el.classList.remove('flash');
    void el.offsetWidth;
    el.classList.add('flash');
  }
  function offscreen(el) {
    const r = el.getBoundingClientRect();
    return (r.width === 0 && r.height === 0) || r.bottom <= 0 || r.top >= window.innerHeight;
  }
  function backButton() {
    let b = document.getElementById('back-to');
    if (!b) {
      b = document.createElement('button');
      b.type = 'button'; b.id = 'back-to'; b.hidden = true;
      b.addEventListener('click', goBack);
      document.body.appendChild(b);
    }
    return b;
  }
  function offerBack(from) {
    if (!from || !offscreen(from)) return;
    origin = from;
    const b = backButton();
    b.textContent = from.closest('#chat, #sources-col') ? '↑ Back to answer' : '↑ Back to paragraph';
    b.hidden = false;
  }
  function goBack() {
    backButton().hidden = true;
    const to = origin;
    origin = null;
    if (!to || !to.isConnected) return;
    const panel = to.closest('[role=tabpanel]');
    const tab = panel && panel.offsetParent === null && document.querySelector(`[role=tab][aria-controls="${panel.id}"]`);
    if (tab) tab.click();
    setTimeout(() => {
      to.scrollIntoView({block: 'center'});
      if (to.focus) to.focus({preventScroll: true});
      flash(to.closest('p, li, section.turn') || to);
    }, tab ? 80 : 0);
  }
  window.addEventListener('scroll', () => {
    if (origin && !offscreen(origin)) { origin = null; backButton().hidden = true; }
  }, {passive: true});
  function openTarget(id) {
    const el = document.getElementById(id);
    if (!el) return false;
    const turn = el.closest('section.turn');
    if (turn) {
      turn.parentElement.querySelectorAll(':scope > section.turn').forEach((s) => { s.hidden = s !== turn; });
      document.querySelectorAll('.turn-picker a').forEach((a) => {
        a.classList.toggle('current', a.getAttribute('href') === '#' + turn.id);
      });
    }
    if (el.tagName === 'DETAILS') {
      if (turn) turn.querySelectorAll('details.card[open]').forEach((d) => { if (d !== el) d.open = false; });
      el.open = true;
    }
    const box = el.closest('#sources-col');
    if (box && getComputedStyle(box).overflowY === 'auto' && box.scrollHeight > box.clientHeight) {
      box.scrollTop += el.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    } else if (!box || getComputedStyle(box).position !== 'sticky') {
      el.scrollIntoView({block: 'start'});
    }
    flash(el);
    return true;
  }
  window.studyAssistant = {
    remember(el) { remembered = el; },
    focus(id) {
      const el = document.getElementById(id);
      if (!el) return;
      el.scrollIntoView({block: 'start'});
      flash(el.closest('section') || el);
      offerBack(remembered);
      remembered = null;
    },
  };
  function copyText(text, done) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => {});
      return;
    }
    const area = document.createElement('textarea');
    area.value = text;
    area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    try { document.execCommand('copy'); done(); } catch (e) {}
    area.remove();
  }
  function turnText(section) {
    const pre = section.querySelector('pre.copy-src');
    const q = section.querySelector('.turn-q q');
    return (q ? 'Question: ' + q.textContent + '\\n\\n' : '') + (pre ? pre.textContent : '');
  }
  // Gradio's copy buttons copy the Markdown source ("[[1]](#src-1-1 ...)"): copy what a reader wants.
  function chatCopy(button) {
    if (button.getAttribute('aria-label') === 'Copy conversation') {
      const turns = [...document.querySelectorAll('#sources section.turn')];
      return turns.length ? turns.map(turnText).join('\\n\\n---\\n\\n') : null;
    }
    let row = button;
    while (row && row.id !== 'chat' && !row.querySelector('[data-testid=bot], [data-testid=user]')) row = row.parentElement;
    const bot = row && row.id !== 'chat' && row.querySelector('[data-testid=bot]');
    if (!bot) return null;
    const n = [...document.querySelectorAll('#chat [data-testid=bot]')].indexOf(bot) + 1;
    const pre = document.getElementById('copy-' + n);
    return pre ? pre.textContent : null;
  }
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href^="#"]');
    if (a) {
      const id = decodeURIComponent(a.getAttribute('href').slice(1));
      if (PREFIXES.some((p) => id.startsWith(p)) && openTarget(id)) {
        ev.preventDefault();
        ev.stopPropagation();
        offerBack(a);
      }
      return;
    }
    const chatButton = ev.target.closest && ev.target.closest('#chat button[aria-label^="Copy "]');
    const text = chatButton && chatCopy(chatButton);
    if (text) {
      ev.preventDefault();
      ev.stopImmediatePropagation();
      copyText(text, () => { chatButton.classList.add('copied'); setTimeout(() => chatButton.classList.remove('copied'), 1200); });
      return;
    }
    const copy = ev.target.closest && ev.target.closest('button[data-copy]');
    if (copy) {
      const src = document.getElementById(copy.dataset.copy);
      if (!src) return;
      copyText(src.textContent, () => {
        const old = copy.textContent; copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = old; }, 1200);
      });
    }
  }, true);
})();
</script>
"""

CSS = """
/* The theme's orange (#f97316) reads at 2.8:1 on white; a darker orange passes WCAG AA (4.5:1). */
:root, body, .gradio-container {
  --color-accent: #c2410c; --button-primary-background-fill: #c2410c; --button-primary-background-fill-hover: #9a3412;
  --button-primary-border-color: #c2410c; --input-placeholder-color: #6b6b76; --body-text-color-subdued: #5b5b66; }
.gradio-container { max-width: 1400px !important; }
#chat .message-content .prose { opacity: 1; }
#app-header h1 { font-size: 1.35rem; margin: 0 0 .2rem 0; }
#app-header p { margin: 0; color: var(--body-text-color); opacity: .8; font-size: .92rem; }

/* citation markers in the chat */
#chat a[href^="#src-"] { text-decoration: none; font-weight: 600; font-size: .85em; padding: 0 .15em;
  border-radius: 4px; background: var(--color-accent-soft); color: var(--color-accent); white-space: nowrap; }
#chat a[href^="#src-"]:hover, #chat a[href^="#src-"]:focus { outline: 2px solid var(--color-accent); }
#chat a[title^="unverified"] { background: #fff1db; color: #8a4b00; border-bottom: 2px dotted #a15c00; }
.followups { gap: 6px; flex-wrap: wrap; }
.followups button { font-size: .85rem !important; text-align: left; white-space: normal !important;
  background: var(--background-fill-primary) !important; border: 1px solid var(--color-accent) !important;
  color: var(--color-accent) !important; font-weight: 500 !important; }
.followups button:hover { background: var(--color-accent-soft) !important; }
#filter-note p { font-size: .85rem; color: #8a4b00; margin: 0; }

/* sources panel, event and chapter cards */
@media (min-width: 901px) {
  #sources-col { position: sticky; top: 8px; align-self: flex-start; max-height: calc(100vh - 16px); overflow-y: auto;
    flex-wrap: nowrap; }
  #sources-col > * { flex-shrink: 0; }
}
.sources-panel h4, .selection h4 { margin: .6rem 0 .3rem; font-size: .95rem; }
.sources-panel .turn-q { font-size: .85rem; opacity: .8; margin: 0 0 .3rem; }
.turn-picker { font-size: .85rem; margin-bottom: .4rem; }
.turn-picker a { padding: 0 .35em; border-radius: 4px; }
.turn-picker a.current { background: var(--color-accent-soft); }
.card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px 10px; margin: 6px 0;
  background: var(--background-fill-primary); }
.card > summary { cursor: pointer; line-height: 1.45; }
.card .card-body p { margin: .35rem 0; }
.card .title { font-weight: 600; }
.card .date { font-variant-numeric: tabular-nums; white-space: nowrap; }
.card .meta { font-size: .85rem; color: var(--body-text-color-subdued); }
.card .links { font-size: .8rem; margin: .2rem 0; padding-left: 1.1rem; overflow-wrap: anywhere; }
.card.flash { animation: flash 1.6s ease-out; }
@keyframes flash { 0% { box-shadow: 0 0 0 4px var(--color-accent); } 100% { box-shadow: 0 0 0 0 transparent; } }
.unverified-card { border-color: #d68a00; }
.marker { font-weight: 700; color: var(--color-accent); }
.badge { display: inline-block; font-size: .72rem; padding: 0 .4em; border-radius: 999px; vertical-align: middle;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-secondary); }
.badge.unverified { background: #fff1db; color: #8a4b00; border-color: #d68a00; font-weight: 600; }
.notice { color: #8a4b00; }
.hint { opacity: .75; font-size: .9rem; }
button.chip, a.chip { display: inline-block; font-size: .75rem; padding: 0 .45em; margin: 0 .15em .15em 0;
  border-radius: 999px; border: 1px solid var(--border-color-accent, var(--color-accent)); color: var(--color-accent);
  background: transparent; cursor: pointer; text-decoration: none; }
button.ask, button.copy { font-size: .8rem; padding: .15rem .6rem; border-radius: 6px; cursor: pointer;
  border: 1px solid var(--color-accent); color: var(--color-accent); background: var(--background-fill-primary); }
button.ask:hover, button.copy:hover { background: var(--color-accent-soft); }
button.linklike { background: none; border: none; padding: 0; margin: 0; color: var(--color-accent); cursor: pointer;
  text-align: left; font: inherit; font-size: .88rem; font-weight: 400; text-decoration: underline; }
.card .actions { display: flex; gap: .8rem; align-items: center; }
.related { margin: .1rem 0; padding-left: 1.1rem; }

/* timeline */
.chart-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
.timeline-svg { width: 100%; min-width: 760px; height: auto; display: block; }
.timeline-svg .row-a { fill: var(--background-fill-secondary); }
.timeline-svg .row-b { fill: var(--background-fill-primary); }
.timeline-svg .grid { stroke: var(--border-color-primary); stroke-width: 1; }
.timeline-svg .cat-label, .timeline-svg .year { fill: var(--body-text-color); font-size: 13px; }
.timeline-svg .dot { cursor: pointer; stroke: #fff; stroke-width: 1.5; opacity: .9; }
.timeline-svg .dot:hover { stroke: #111; stroke-width: 2.5; opacity: 1; }
.timeline-svg .hit { fill: transparent; cursor: pointer; }
.timeline-svg .hit:focus { fill: rgba(0, 0, 0, .08); stroke: #111; stroke-width: 2; outline: none; }
.timeline-svg .label-bg { fill: var(--background-fill-primary); }
.timeline-svg .dot.selected { stroke: #111; stroke-width: 3; opacity: 1; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem .9rem; font-size: .8rem; margin-top: .3rem; }
.legend .swatch { display: inline-block; width: .8em; height: .8em; border-radius: 50%; margin-right: .3em; vertical-align: -1px; }
.event-list { font-size: .88rem; padding-left: 1.4rem; }
.event-list li { margin: .15rem 0; }
.event-list .is-selected { font-weight: 700; }

/* chapters */
.chapter h2 { font-size: 1.25rem; }
.chapter h3 { font-size: 1.05rem; margin-top: 1.1rem; scroll-margin-top: 12px; }
.chapter .summary { font-style: italic; opacity: .85; }
.chapter p { line-height: 1.6; max-width: 90ch; }
.chapter .toc ol { font-size: .9rem; }
.ev-chips { white-space: normal; }
.chapter .in-context { border-left: 4px solid var(--color-accent); padding-left: .8rem; margin-left: -.8rem; }
.chapter-nav { display: flex; justify-content: space-between; gap: .8rem; flex-wrap: wrap; margin-top: 1.2rem; }
mark.used { background: #fff0a8; color: #1a1a1a; padding: 0 .1em; border-radius: 2px; }
#back-to { position: fixed; right: 16px; bottom: 16px; z-index: 1000; min-height: 44px; padding: .5rem 1rem;
  border-radius: 999px; border: none; background: #1e40af; color: #fff; font-weight: 600; font-size: .95rem;
  box-shadow: 0 2px 10px rgba(0, 0, 0, .3); cursor: pointer; }
#chat button.copied { color: #15803d !important; }
#back-to:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
#chapter-pick input { padding-right: 2rem; text-overflow: ellipsis; }

@media (max-width: 640px) {
  .gradio-container { padding: 4px !important; }
  #app-header p { font-size: .82rem; }
  .card { padding: 5px 7px; }
  .chapter p { font-size: .95rem; }
  #chat { --chatbot-text-size: 15px; height: 42vh !important; min-height: 300px !important; }
  #chat .examples { gap: 6px; }
  #chat .example { padding: 6px 8px; }
  #app-header h1 { font-size: 1.15rem; }
}
"""

