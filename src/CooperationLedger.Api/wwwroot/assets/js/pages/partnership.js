import { getJson, itemsOf, organizationsOf } from '../api.js';
import { h, replace, route, section } from '../dom.js';
import { label, occurred, stageBadge } from '../format.js';
import { failure, fill, loading, pageHeading, slot } from '../page.js';
import { canAudit } from '../session.js';
import { agreementsTable, areasLists, partnersList, summaryFacts } from '../summary.js';
import { visitsFromDirectory, visitsFromTimeline, visitsList } from '../visits.js';

export async function partnershipPage(view, { id }, { user }) {
  replace(view, loading());
  const auditor = canAudit(user);
  const timeline = auditor ? getJson(`/api/partnerships/${encodeURIComponent(id)}/timeline`) : null;
  let summary;
  try {
    summary = await getJson(`/api/partnerships/${encodeURIComponent(id)}`);
  } catch (error) {
    replace(view, pageHeading('Partnership'), failure(error));
    return;
  }

  const visits = slot();
  const entries = slot();
  replace(view,
    h('nav', { class: 'breadcrumbs', 'aria-label': 'Breadcrumbs' }, h('a', { href: '#/' }, 'Overview'), ' › ', summary.title),
    pageHeading(summary.title, h('p', { class: 'lead' }, stageBadge(summary.stage), ` Version ${summary.version} · as of ${summary.asOf}`),
      auditor ? h('p', {}, h('a', { class: 'button-link', href: route('partnerships', id, 'timeline') }, 'Open the audit timeline')) : null),
    h('div', { class: 'columns' },
      section('Summary', summaryFacts(summary)),
      section('Partners', partnersList(summary.partners))),
    section('Agreements', agreementsTable(summary.agreements)),
    section('Cooperation areas', areasLists(summary)),
    section('Visits', visits),
    section('Timeline', auditor
      ? entries
      : h('p', { class: 'empty', 'data-timeline': 'restricted' }, 'The timeline is open to auditors; your key does not have that role.')));

  if (auditor) {
    fill(visits, timeline, (answer) => visitsList(visitsFromTimeline(itemsOf(answer))));
    fill(entries, timeline, (answer) => compactTimeline(id, itemsOf(answer)));
  } else {
    fill(visits, getJson('/api/organizations'), (answer) => visitsList(visitsFromDirectory(organizationsOf(answer), id)));
  }
}

function compactTimeline(id, entries) {
  return h('div', {},
    h('ol', { class: 'compact-timeline' }, entries.map((entry) => h('li', { class: (entry.correctedBy ?? []).length ? 'is-corrected' : null },
      h('span', { class: 'when' }, occurred(entry.occurredAt)), ' ',
      h('span', { class: 'type' }, label(entry.type)), ' — ', entry.summary,
      (entry.correctedBy ?? []).length ? h('span', { class: 'badge corrected' }, 'Corrected') : null))),
    h('p', {}, h('a', { href: route('partnerships', id, 'timeline') }, 'Every entry with its recording, source and hash →')));
}
