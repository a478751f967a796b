import { download, getJson, itemsOf, query } from '../api.js';
import { announce, externalLink, h, message, replace, route, section } from '../dom.js';
import {
  instant, label, lateness, occurred, occurredDay, plural, shortHash, todayUtc, utcInstantFromInput,
} from '../format.js';
import { failure, loading, pageHeading } from '../page.js';
import { canAudit } from '../session.js';
import { summarySnapshot } from '../summary.js';

export async function timelinePage(view, { id, entry: focusedEntry }, { user }) {
  if (!canAudit(user)) {
    replace(view,
      pageHeading('Timeline'),
      message('info', `The timeline, verification, exports and the as-of and valid-at views are open to auditors. Your key has the roles: ${user.roles.join(', ') || 'none'}.`),
      h('p', {}, h('a', { href: route('partnerships', id) }, '← Back to the partnership')));
    return null;
  }

  replace(view, loading());
  const base = `/api/partnerships/${encodeURIComponent(id)}`;
  let summary;
  let entries;
  try {
    [summary, entries] = await Promise.all([getJson(base), getJson(`${base}/timeline`).then(itemsOf)]);
  } catch (error) {
    replace(view, pageHeading('Timeline'), failure(error));
    return null;
  }

  const byId = new Map(entries.map((entry) => [entry.eventId, entry]));
  const articles = new Map(entries.map((entry) => [entry.eventId, entryArticle(id, entry, byId)]));
  const filters = filterControls(entries, articles);

  replace(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumbs' },
      h('a', { href: '#/' }, 'Overview'), ' › ', h('a', { href: route('partnerships', id) }, summary.title), ' › Timeline'),
    pageHeading(`Timeline: ${summary.title}`,
      h('p', { class: 'lead' }, `${plural(entries.length, 'entry', 'entries')} in version order. Occurred dates are as reported; recorded times are the ledger's clock, in UTC.`)),
    h('div', { class: 'columns audit-tools' }, verifyPanel(base), exportPanel(base, id)),
    h('div', { class: 'columns audit-tools' }, asOfPanel(base, articles, byId), validAtPanel(base)),
    section('Entries', filters.element, h('ol', { class: 'timeline', 'data-timeline': id }, [...articles.values()].map((article) => h('li', {}, article)))));

  filters.apply();

  const focusEntry = (eventId) => {
    const article = articles.get(eventId);
    if (!article) return;
    if (article.closest('li').hidden) filters.clear();
    article.scrollIntoView({ block: 'center' });
    article.focus();
  };
  if (focusedEntry) focusEntry(focusedEntry);
  return { focusEntry };
}

function entryArticle(partnershipId, entry, byId) {
  const correctedBy = (entry.correctedBy ?? []).map((eventId) => byId.get(eventId)).filter(Boolean);
  const corrected = correctedBy.length > 0;
  const target = entry.corrects ? byId.get(entry.corrects) : null;
  const linkTo = (other) => h('a', { href: route('partnerships', partnershipId, 'timeline', 'entry', other.eventId) }, `v${other.version} · ${label(other.type)}`);

  return h('article', {
    id: `entry-${entry.eventId}`,
    class: `entry${corrected ? ' is-corrected' : ''}${entry.corrects ? ' is-correction' : ''}`,
    tabindex: '-1',
    'data-event-id': entry.eventId,
    'data-type': entry.type,
    'data-version': entry.version,
    'data-sequence': entry.sequence,
    'data-recorded-at': entry.recordedAt,
  },
  h('header', { class: 'entry-header' },
    h('h3', {}, `v${entry.version} · ${label(entry.type)}`),
    corrected ? h('span', { class: 'badge corrected' }, 'Corrected') : null,
    entry.corrects ? h('span', { class: 'badge correction' }, 'Correction') : null,
    h('span', { class: 'badge not-yet', hidden: true }, 'Not yet recorded at the as-of time')),
  h('p', { class: 'entry-summary' }, entry.summary),
  target || entry.corrects
    ? h('p', { class: 'correction-link', 'data-corrects': entry.corrects },
      'Corrects ', target ? linkTo(target) : entry.corrects, entry.data?.reason ? ` — “${entry.data.reason}”` : '')
    : null,
  corrected
    ? h('p', { class: 'correction-link', 'data-corrected-by': correctedBy.map((other) => other.eventId).join(' ') },
      'Corrected by ', correctedBy.map((other, index) => [index > 0 ? ', ' : '', linkTo(other)]),
      '. The summary above reads as corrected; the data below is as first recorded.')
    : null,
  h('dl', { class: 'entry-facts' },
    fact('Occurred', h('time', { 'data-occurred': entry.occurredAt }, occurred(entry.occurredAt))),
    fact('Recorded', h('time', { datetime: entry.recordedAt }, instant(entry.recordedAt)), ' ',
      h('span', { class: 'lateness' }, `(${lateness(entry.occurredAt, entry.recordedAt)})`)),
    fact('Recorded by', h('span', { class: 'recorded-by' }, entry.recordedBy)),
    fact('Source', sourceOf(entry.source)),
    fact('Sequence', String(entry.sequence)),
    fact('Hash', h('code', { title: entry.hash }, shortHash(entry.hash)), ' ← previous ',
      entry.prevHash ? h('code', { title: entry.prevHash }, shortHash(entry.prevHash)) : 'none (first entry)')),
  h('details', {}, h('summary', {}, 'Recorded data'), h('pre', { class: 'data' }, JSON.stringify(entry.data, null, 2))));
}

function fact(term, ...description) {
  return h('div', { 'data-fact': term.toLowerCase().replaceAll(' ', '-') }, h('dt', {}, term), h('dd', {}, description));
}

function sourceOf(source) {
  if (!source) return h('span', { class: 'empty' }, 'none given');
  return h('span', { class: 'source' },
    `${label(source.kind)}: `,
    source.url ? externalLink(source.url, source.title) : h('cite', {}, source.title),
    source.publishedOn ? ` · published ${source.publishedOn}` : '');
}

function filterControls(entries, articles) {
  const types = [...new Set(entries.map((entry) => entry.type))].sort();
  const type = h('select', { id: 'filter-type' }, h('option', { value: '' }, 'All types'), types.map((name) => h('option', { value: name }, label(name))));
  const from = h('input', { id: 'filter-from', type: 'date' });
  const to = h('input', { id: 'filter-to', type: 'date' });
  const count = h('p', { class: 'hint', id: 'filter-count', 'aria-live': 'polite' });
  const apply = () => {
    let shown = 0;
    for (const entry of entries) {
      const day = occurredDay(entry.occurredAt);
      const visible = (!type.value || entry.type === type.value) && (!from.value || day >= from.value) && (!to.value || day <= to.value);
      articles.get(entry.eventId).closest('li').hidden = !visible;
      if (visible) shown += 1;
    }
    count.textContent = `Showing ${shown} of ${plural(entries.length, 'entry', 'entries')}.`;
  };
  const clear = () => {
    type.value = '';
    from.value = '';
    to.value = '';
    apply();
  };
  for (const control of [type, from, to]) control.addEventListener('change', apply);
  const element = h('form', { class: 'filters', onsubmit: (event) => event.preventDefault() },
    h('fieldset', {},
      h('legend', {}, 'Filter entries'),
      h('div', { class: 'field' }, h('label', { for: 'filter-type' }, 'Type'), type),
      h('div', { class: 'field' }, h('label', { for: 'filter-from' }, 'Occurred from'), from),
      h('div', { class: 'field' }, h('label', { for: 'filter-to' }, 'Occurred until'), to),
      h('button', { type: 'button', class: 'button-quiet', onclick: clear }, 'Clear filters')),
    count);
  return { element, clear, apply };
}

function toolPanel(title, ...children) {
  const id = `tool-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h('section', { class: 'panel tool', 'aria-labelledby': id }, h('h2', { id }, title), children);
}

function verifyPanel(base) {
  const result = h('div', { id: 'verify-result', 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button',
    id: 'verify',
    onclick: async () => {
      button.disabled = true;
      replace(result, loading('Checking every hash…'));
      try {
        const answer = await getJson(`${base}/verify`);
        replace(result, answer.valid
          ? message('success', `Intact: ${plural(answer.eventsChecked, 'event')} checked, every hash matches its entry and links to the one before.`)
          : message('error', `Broken: ${plural(answer.eventsChecked, 'event')} checked; the chain breaks at sequence ${answer.firstInvalidSequence ?? '?'}`,
            answer.reason ? ` — ${answer.reason.replace(/\.$/, '')}` : '', '.'));
        result.firstElementChild.dataset.valid = String(Boolean(answer.valid));
        result.firstElementChild.dataset.eventsChecked = String(answer.eventsChecked);
      } catch (error) {
        replace(result, failure(error));
      } finally {
        button.disabled = false;
      }
    },
  }, 'Verify the hash chain');
  return toolPanel('Verify', h('p', { class: 'hint' }, 'Recomputes every entry’s hash and checks the chain, so any edit made behind the ledger’s back shows.'), button, result);
}

function exportPanel(base, id) {
  const status = h('p', { class: 'hint', 'aria-live': 'polite' });
  const exporter = (text, accept, fileName) => h('button', {
    type: 'button',
    class: 'button-quiet',
    onclick: async () => {
      try {
        const blob = await download(`${base}/timeline`, accept, fileName);
        status.textContent = `Saved ${fileName} (${plural(blob.size, 'byte')}).`;
      } catch (error) {
        status.textContent = error.detail ?? error.message;
      }
    },
  }, text);
  return toolPanel('Export',
    h('div', { class: 'button-row' },
      exporter('Download CSV', 'text/csv', `partnership-${id}-timeline.csv`),
      exporter('Download CloudEvents', 'application/cloudevents-batch+json', `partnership-${id}-cloudevents.json`)),
    status);
}

function asOfPanel(base, articles, byId) {
  const input = h('input', { id: 'as-of', type: 'datetime-local', step: '0.001', value: new Date().toISOString().slice(0, 19), required: true });
  const result = h('div', { id: 'as-of-result', 'aria-live': 'polite' });
  const markLaterEntries = (asOf) => {
    for (const [eventId, article] of articles) {
      const later = asOf !== null && new Date(byId.get(eventId).recordedAt) > new Date(asOf);
      article.classList.toggle('is-after-as-of', later);
      article.querySelector('.not-yet').hidden = !later;
    }
  };
  const show = async (event) => {
    event.preventDefault();
    const asOf = utcInstantFromInput(input.value);
    if (!asOf) {
      replace(result, message('error', 'Give a date and time.'));
      return;
    }
    replace(result, loading());
    try {
      const summary = await getJson(`${base}${query({ asOf })}`);
      replace(result, h('h3', {}, `As the ledger knew it at ${instant(asOf)}`), summarySnapshot(summary));
      markLaterEntries(asOf);
      announce(`Shown as the ledger knew it at ${instant(asOf)}; entries recorded later are marked.`);
    } catch (error) {
      replace(result, error.status === 404
        ? message('info', `The ledger did not know this partnership yet at ${instant(asOf)}.`)
        : failure(error));
      markLaterEntries(asOf);
    }
  };
  const clear = () => {
    result.replaceChildren();
    markLaterEntries(null);
  };
  return toolPanel('As of',
    h('p', { class: 'hint' }, 'What the ledger knew at a moment: only entries recorded by then count.'),
    h('form', { class: 'inline-form', id: 'as-of-form', onsubmit: show },
      h('label', { for: 'as-of' }, 'Recorded by (UTC)'),
      h('div', { class: 'input-row' }, input, h('button', { type: 'submit' }, 'Show'), h('button', { type: 'button', class: 'button-quiet', onclick: clear }, 'Clear'))),
    result);
}

function validAtPanel(base) {
  const input = h('input', { id: 'valid-at', type: 'date', value: todayUtc(), required: true });
  const result = h('div', { id: 'valid-at-result', 'aria-live': 'polite' });
  const show = async (event) => {
    event.preventDefault();
    if (!input.value) {
      replace(result, message('error', 'Give a date.'));
      return;
    }
    replace(result, loading());
    try {
      const summary = await getJson(`${base}${query({ validAt: input.value })}`);
      replace(result, h('h3', {}, `As it stood on ${input.value}, by everything known now`), summarySnapshot(summary));
    } catch (error) {
      replace(result, error.status === 404
        ? message('info', `Nothing of this partnership had happened by ${input.value}.`)
        : failure(error));
    }
  };
  return toolPanel('Valid at',
    h('p', { class: 'hint' }, 'What was true on a day, counting every entry known now — late ones and corrections included.'),
    h('form', { class: 'inline-form', id: 'valid-at-form', onsubmit: show },
      h('label', { for: 'valid-at' }, 'On'),
      h('div', { class: 'input-row' }, input, h('button', { type: 'submit' }, 'Show'), h('button', { type: 'button', class: 'button-quiet', onclick: () => result.replaceChildren() }, 'Clear'))),
    result);
}
