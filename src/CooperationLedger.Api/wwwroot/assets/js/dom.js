// Every piece of the page is built here from elements and text nodes: data only ever becomes text or a checked
// attribute, never markup, so a name such as <script>alert(1)</script> shows as those characters.

const svgNamespace = 'http://www.w3.org/2000/svg';

export function h(tag, props, ...children) {
  return build(document.createElement(tag), props, children);
}

export function s(tag, props, ...children) {
  return build(document.createElementNS(svgNamespace, tag), props, children);
}

function build(element, props, children) {
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.setAttribute('class', value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

// A source's URL is whatever a client recorded: only web addresses become links, so javascript: and data: URLs
// stay inert text.
export function externalLink(url, text) {
  let parsed = null;
  try {
    parsed = new URL(url);
  } catch {
    parsed = null;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return h('span', {}, text ?? url ?? '');
  return h('a', { href: parsed.href, rel: 'noopener noreferrer', target: '_blank' }, text ?? parsed.href, h('span', { class: 'visually-hidden' }, ' (opens in a new tab)'));
}

export function route(...segments) {
  return '#/' + segments.map((segment) => encodeURIComponent(String(segment))).join('/');
}

export function list(items, render, props = {}) {
  return h('ul', props, items.map((item) => h('li', {}, render(item))));
}

/** A table whose rows stack into labelled blocks on narrow screens (the labels come from the headers). */
export function table(caption, headers, rows, props = {}) {
  const body = h('tbody', {}, rows);
  for (const row of body.rows) {
    [...row.cells].forEach((cell, index) => {
      if (cell.tagName === 'TD' && headers[index]) cell.dataset.label = headers[index];
    });
  }
  return h('div', { class: 'table-scroll' },
    h('table', { ...props, class: `stacking ${props.class ?? ''}`.trim() },
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))),
      body));
}

export function section(title, ...children) {
  const id = 'section-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, title), children);
}

export function message(kind, ...children) {
  return h('p', { class: `message message-${kind}`, role: kind === 'error' ? 'alert' : null }, children);
}

export function announce(text) {
  const announcer = document.getElementById('announcer');
  announcer.textContent = '';
  // A fresh text node after clearing is what makes screen readers read a repeated message again.
  requestAnimationFrame(() => { announcer.textContent = text; });
}
