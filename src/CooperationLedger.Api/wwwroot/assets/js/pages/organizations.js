import { getJson, itemsOf, organizationsOf } from '../api.js';
import { h, list, replace, route, table } from '../dom.js';
import { kindBadge, label, plural } from '../format.js';
import { failure, loading, pageHeading } from '../page.js';

export async function organizationsPage(view, { name }) {
  replace(view, loading());
  let organizations;
  let titles;
  try {
    const [directory, partnerships] = await Promise.all([getJson('/api/organizations'), getJson('/api/partnerships')]);
    organizations = organizationsOf(directory);
    titles = new Map(itemsOf(partnerships).map((partnership) => [partnership.id, partnership.title]));
  } catch (error) {
    replace(view, pageHeading('Organizations'), failure(error));
    return null;
  }

  const cards = new Map(organizations.map((organization, index) => [organization.name, organizationCard(organization, titles, index)]));
  replace(view,
    pageHeading('Organizations', h('p', { class: 'lead' },
      `${plural(organizations.length, 'organization')} met in the ledger, each once, with every name it was seen under and the people who acted for it.`)),
    organizations.length
      ? h('div', { class: 'organizations' }, [...cards.values()])
      : h('p', { class: 'empty' }, 'No organization yet.'));

  const focusOrganization = (wanted) => {
    const card = cards.get(wanted);
    if (!card) return;
    card.scrollIntoView({ block: 'start' });
    card.focus();
  };
  if (name) focusOrganization(name);
  return { focusEntry: focusOrganization };
}

function organizationCard(organization, titles, index) {
  const headingId = `organization-${index}`;
  return h('article', { class: 'panel organization', tabindex: '-1', 'aria-labelledby': headingId, 'data-organization': organization.name },
    h('h2', { id: headingId }, organization.name, ' ',
      organization.isHome ? h('span', { class: 'badge home' }, 'Home institution') : (organization.kind ? kindBadge(organization.kind) : null)),
    h('h3', {}, 'Also known as'),
    organization.aliases?.length
      ? list(organization.aliases, (alias) => alias, { class: 'aliases-list' })
      : h('p', { class: 'empty' }, 'No other names.'),
    h('h3', {}, 'Partnerships'),
    organization.partnershipIds?.length
      ? list(organization.partnershipIds, (id) => h('a', { href: route('partnerships', id) }, titles.get(id) ?? id))
      : h('p', { class: 'empty' }, 'None.'),
    h('h3', {}, 'People'),
    organization.people?.length
      ? table(null, ['Name', 'Titles held'], organization.people.map((person) => h('tr', { 'data-person': person.name },
        h('th', { scope: 'row' }, person.name),
        h('td', {}, h('ul', { class: 'titles' }, (person.titles ?? []).map((held) => h('li', {},
          h('strong', {}, held.title), ` — ${label(held.occasion)} on ${held.on}`,
          titles.has(held.partnershipId) ? [' · ', h('a', { href: route('partnerships', held.partnershipId) }, titles.get(held.partnershipId))] : null)))))),
      { class: 'people' })
      : h('p', { class: 'empty' }, 'Nobody named yet.'));
}
