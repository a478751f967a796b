import { getJson, itemsOf, organizationsOf, query } from '../api.js';
import { pipelineChart } from '../chart.js';
import { announce, h, list, replace, route, section, table } from '../dom.js';
import { kindBadge, plural, stageBadge } from '../format.js';
import { fill, loading, pageHeading, slot } from '../page.js';

const expiringWithinDays = 90;
const defaultStaleDays = 90;
// The API's bound for staleDays: a hundred years.
const maxStaleDays = 36_500;

export function overviewPage(view) {
  const chart = slot();
  const partnerships = slot();
  const stale = slot();
  const expiring = slot();
  const pipeline = getJson(`/api/pipeline${query({ days: expiringWithinDays })}`);

  replace(view,
    pageHeading('Overview'),
    searchSection(),
    section('Pipeline by stage', chart),
    section('Partnerships', partnerships),
    h('div', { class: 'columns' },
      section('Stale partnerships', staleForm((days) => loadStale(stale, days)), stale),
      section(`Agreements expiring within ${expiringWithinDays} days`, expiring)));

  fill(chart, pipeline, (answer) => pipelineChart(answer, chart.clientWidth));
  fill(expiring, pipeline, (answer) => expiringTable(answer.expiring ?? []));
  fill(partnerships, getJson('/api/partnerships'), (answer) => partnershipsTable(answer));
  loadStale(stale, defaultStaleDays);
}

function searchSection() {
  const input = h('input', { id: 'search-query', name: 'q', type: 'search', autocomplete: 'off', required: true });
  const results = h('div', { id: 'search-results', class: 'search-results' });
  let directory = null;
  const search = async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) {
      results.replaceChildren();
      return;
    }
    replace(results, loading('Searching…'));
    directory ??= getJson('/api/organizations');
    await fill(results, Promise.all([getJson(`/api/partnerships${query({ q: text })}`), directory]),
      ([partnerships, organizations]) => searchResults(text, itemsOf(partnerships), organizationsOf(organizations)));
    announce(`Search results for ${text} shown.`);
  };
  return h('section', { class: 'panel', 'aria-labelledby': 'search-heading' },
    h('h2', { id: 'search-heading' }, 'Search'),
    h('form', { role: 'search', class: 'inline-form', onsubmit: search },
      h('label', { for: 'search-query' }, 'Partnership, partner or organization — any of its names'),
      h('div', { class: 'input-row' }, input, h('button', { type: 'submit' }, 'Search'))),
    results);
}

// The same spelling rules the directory uses: case, punctuation and spacing do not tell names apart.
function normalized(text) {
  return String(text ?? '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function searchResults(text, partnerships, organizations) {
  const wanted = normalized(text);
  const matchingOrganizations = organizations.filter((organization) =>
    [organization.name, ...(organization.aliases ?? [])].some((name) => normalized(name).includes(wanted)));
  const titles = new Map(partnerships.map((partnership) => [partnership.id, partnership.title]));
  return h('div', {},
    h('h3', {}, `Organizations (${matchingOrganizations.length})`),
    matchingOrganizations.length
      ? list(matchingOrganizations, (organization) => organizationResult(organization, titles), { class: 'results', 'data-results': 'organizations' })
      : h('p', { class: 'empty' }, 'No organization goes by that name.'),
    h('h3', {}, `Partnerships (${partnerships.length})`),
    partnerships.length
      ? list(partnerships, (partnership) => [h('a', { href: route('partnerships', partnership.id) }, partnership.title), ' ', stageBadge(partnership.stage)],
        { class: 'results', 'data-results': 'partnerships' })
      : h('p', { class: 'empty' }, 'No partnership matches.'));
}

function organizationResult(organization, titles) {
  return h('div', { class: 'organization-result' },
    h('a', { href: route('organizations', organization.name), class: 'organization-name' }, organization.name),
    ' ', organization.isHome ? h('span', { class: 'badge home' }, 'Home institution') : (organization.kind ? kindBadge(organization.kind) : null),
    organization.aliases?.length ? h('div', { class: 'aliases' }, 'Also known as: ', organization.aliases.join('; ')) : null,
    h('div', { class: 'hint' }, plural(organization.partnershipIds?.length ?? 0, 'partnership'),
      (organization.partnershipIds ?? []).filter((id) => titles.has(id)).length ? ': ' : '',
      (organization.partnershipIds ?? []).filter((id) => titles.has(id))
        .map((id, index) => [index > 0 ? '; ' : '', h('a', { href: route('partnerships', id) }, titles.get(id))])));
}

function partnershipsTable(answer) {
  const items = itemsOf(answer);
  if (items.length === 0) return h('p', { class: 'empty' }, 'The ledger holds no partnership yet.');
  const total = answer?.total ?? items.length;
  return h('div', {},
    total > items.length ? h('p', { class: 'hint' }, `Showing ${items.length} of ${total}.`) : null,
    table(null, ['Partnership', 'Partners', 'Stage', 'Last activity', 'Next expiry'],
      items.map((partnership) => h('tr', { 'data-partnership-id': partnership.id },
        h('th', { scope: 'row' }, h('a', { href: route('partnerships', partnership.id) }, partnership.title)),
        h('td', {}, (partnership.partners ?? []).map((partner, index) => [index > 0 ? '; ' : '', partner.name, ' ', kindBadge(partner.kind)])),
        h('td', { class: 'stage-cell' }, stageBadge(partnership.stage)),
        h('td', {}, partnership.lastActivityOn ?? '—'),
        h('td', {}, partnership.nextExpiry ?? '—'))),
      { class: 'partnerships', 'data-table': 'partnerships' }));
}

function staleForm(apply) {
  const input = h('input', { id: 'stale-days', type: 'number', min: '0', max: String(maxStaleDays), step: '1', value: String(defaultStaleDays), inputmode: 'numeric' });
  return h('form', { class: 'inline-form', onsubmit: (event) => { event.preventDefault(); apply(Math.min(maxStaleDays, Math.max(0, Number.parseInt(input.value, 10) || 0))); } },
    h('label', { for: 'stale-days' }, 'No activity for at least (days)'),
    h('div', { class: 'input-row' }, input, h('button', { type: 'submit' }, 'Apply')));
}

function loadStale(placeholder, days) {
  replace(placeholder, loading());
  return fill(placeholder, getJson(`/api/partnerships${query({ staleDays: days })}`), (answer) => {
    const items = itemsOf(answer);
    if (items.length === 0) return h('p', { class: 'empty' }, `No partnership has been quiet for ${plural(days, 'day')}.`);
    return list(items, (partnership) => [
      h('a', { href: route('partnerships', partnership.id) }, partnership.title), ' ', stageBadge(partnership.stage),
      h('div', { class: 'hint' }, partnership.lastActivityOn
        ? `Last activity ${partnership.lastActivityOn} (${plural(partnership.daysSinceLastActivity ?? 0, 'day')} ago)`
        : 'No activity recorded'),
    ], { class: 'results', 'data-results': 'stale' });
  });
}

function expiringTable(expiring) {
  if (expiring.length === 0) return h('p', { class: 'empty' }, `No agreement expires within ${expiringWithinDays} days.`);
  return table(null, ['Agreement', 'Partnership', 'Expires', 'Days left'],
    expiring.map((agreement) => h('tr', { 'data-agreement-id': agreement.agreementId },
      h('th', { scope: 'row' }, agreement.title ?? agreement.agreementId),
      h('td', {}, h('a', { href: route('partnerships', agreement.partnershipId) }, agreement.partnershipTitle)),
      h('td', {}, agreement.expiresOn),
      h('td', { class: 'number' }, String(agreement.daysLeft)))),
    { 'data-table': 'expiring' });
}

