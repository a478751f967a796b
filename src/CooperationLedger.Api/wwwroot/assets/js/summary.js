import { h, list, table } from './dom.js';
import { kindBadge, label, plural, stageBadge, statusBadge } from './format.js';

/** Facts of a partnership summary as a definition list. */
export function summaryFacts(summary) {
  const facts = [
    ['Stage', stageBadge(summary.stage)],
    ['Version', String(summary.version)],
    ['Home unit', summary.homeUnit],
    ['Themes', summary.themes?.length ? summary.themes.join('; ') : null],
    ['Visits', String(summary.visitCount ?? 0)],
    ['Last activity', summary.lastActivityOn
      ? `${summary.lastActivityOn}${summary.daysSinceLastActivity != null ? ` (${plural(summary.daysSinceLastActivity, 'day')} ago)` : ''}`
      : 'none'],
    ['Next expiry', summary.nextExpiry ?? 'none'],
    ['As of', summary.asOf],
  ];
  return h('dl', { class: 'facts' },
    facts.filter(([, value]) => value !== null && value !== undefined && value !== '')
      .map(([term, value]) => h('div', { 'data-fact': term.toLowerCase().replaceAll(' ', '-') }, h('dt', {}, term), h('dd', {}, value))));
}

export function partnersList(partners) {
  return list(partners ?? [], (partner) => [
    h('strong', { class: 'partner-name' }, partner.name), ' ', kindBadge(partner.kind),
    partner.country ? ` · ${partner.country}` : null,
    partner.aliases?.length
      ? h('div', { class: 'aliases' }, 'Also known as: ', partner.aliases.join('; '))
      : null,
  ], { class: 'partners' });
}

export function agreementsTable(agreements) {
  if (!agreements?.length) return h('p', { class: 'empty' }, 'No agreements recorded.');
  return table(null, ['Agreement', 'Kind', 'Status', 'Signed', 'In effect from', 'Expires'],
    agreements.map((agreement) => h('tr', { 'data-agreement-id': agreement.agreementId },
      h('th', { scope: 'row' }, agreement.title ?? agreement.agreementId, agreement.title ? h('div', { class: 'hint' }, agreement.agreementId) : null),
      h('td', {}, agreement.kind ? label(agreement.kind) : '—'),
      h('td', {}, statusBadge(agreement.status)),
      h('td', {}, agreement.signedOn ?? '—'),
      h('td', {}, agreement.effectiveFrom ?? '—'),
      h('td', { 'data-expires': agreement.expiresOn ?? '' }, agreement.expiresOn ?? 'no expiry'))),
    { class: 'agreements' });
}

export function areasLists(summary, headingLevel = 3) {
  const areas = (names) => (names?.length ? list(names, label) : h('p', { class: 'empty' }, 'None.'));
  const heading = `h${headingLevel}`;
  return h('div', { class: 'columns' },
    h('div', { 'data-areas': 'declared' }, h(heading, {}, 'Declared intentions'), areas(summary.declaredAreas)),
    h('div', { 'data-areas': 'agreed' }, h(heading, {}, 'Agreed in signed agreements'), areas(summary.agreedAreas)));
}

/** A compact summary for the as-of and valid-at answers. */
export function summarySnapshot(summary) {
  return h('div', { class: 'snapshot', 'data-version': summary.version, 'data-stage': summary.stage },
    summaryFacts(summary),
    h('h4', {}, 'Partners'), partnersList(summary.partners),
    h('h4', {}, 'Agreements'), agreementsTable(summary.agreements),
    h('h4', {}, 'Cooperation areas'), areasLists(summary, 5));
}
