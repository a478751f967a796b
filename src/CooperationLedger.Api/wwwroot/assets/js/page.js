import { h, message } from './dom.js';

/** A page's main heading; pages move focus to it so screen readers announce where they are. */
export function pageHeading(text, ...extra) {
  document.title = `${text} · Cooperation Ledger`;
  return h('header', { class: 'page-header' }, h('h1', { tabindex: '-1' }, text), extra);
}

export function loading(what = 'Loading…') {
  return h('p', { class: 'loading', 'aria-busy': 'true' }, what);
}

export function failure(error) {
  return message('error', error?.detail ?? error?.message ?? String(error));
}

/** Fills a placeholder with what a promise renders, or with the reason it failed. */
export async function fill(placeholder, promise, render) {
  try {
    placeholder.replaceChildren(render(await promise));
  } catch (error) {
    placeholder.replaceChildren(failure(error));
  }
}

export function slot() {
  return h('div', { class: 'slot' }, loading());
}
