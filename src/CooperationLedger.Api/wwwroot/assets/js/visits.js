import { h, table } from './dom.js';
import { label, occurred } from './format.js';

/**
 * Visits with their participants, in one shape whichever source they come from: the timeline (auditors; the full
 * visit as recorded, corrections applied) or the organization directory (everyone; who was there under which title).
 */
export function visitsFromTimeline(entries) {
  const byId = new Map(entries.map((entry) => [entry.eventId, entry]));
  return entries
    .filter((entry) => entry.type === 'visit-held')
    .map((entry) => {
      const data = effectiveData(entry, byId);
      return {
        eventId: entry.eventId,
        occurredAt: entry.occurredAt,
        direction: data.direction,
        location: data.location,
        lead: data.delegationLead,
        participants: data.participants ?? [],
        topics: data.topics ?? [],
        summary: data.summary,
      };
    });
}

/** The data as corrected: a correction replaces the whole data of the entry it names, the latest one winning. */
export function effectiveData(entry, byId) {
  const corrections = (entry.correctedBy ?? []).map((id) => byId.get(id)).filter(Boolean);
  const latest = corrections.sort((a, b) => a.version - b.version).at(-1);
  return latest?.data?.data ?? entry.data ?? {};
}

export function visitsFromDirectory(organizations, partnershipId) {
  const visits = new Map();
  for (const organization of organizations) {
    for (const person of organization.people ?? []) {
      for (const held of person.titles ?? []) {
        if (held.occasion !== 'visit' || held.partnershipId !== partnershipId) continue;
        const visit = visits.get(held.eventId) ?? { eventId: held.eventId, occurredAt: held.on, participants: [], topics: [] };
        visit.participants.push({ name: person.name, title: held.title, organization: organization.name });
        visits.set(held.eventId, visit);
      }
    }
  }
  return [...visits.values()].sort((a, b) => String(a.occurredAt).localeCompare(String(b.occurredAt)));
}

export function visitsList(visits) {
  if (visits.length === 0) return h('p', { class: 'empty' }, 'No visits recorded.');
  return h('div', { class: 'visits' }, visits.map((visit) => h('article', { class: 'visit', 'data-event-id': visit.eventId },
    h('h3', {}, `Visit on ${occurred(visit.occurredAt)}`,
      visit.direction ? h('span', { class: 'hint' }, ` · ${visit.direction === 'inbound' ? 'the partner came to us' : 'we went to the partner'}`) : null),
    visit.location ? h('p', {}, 'Where: ', visit.location) : null,
    visit.lead ? h('p', {}, 'Delegation led by ', h('strong', {}, visit.lead.name), `, ${visit.lead.title} (${visit.lead.organization})`) : null,
    visit.summary ? h('p', {}, visit.summary) : null,
    table(null, ['Participant', 'Title', 'Organization', ...(visit.participants.some((p) => p.side) ? ['Side'] : [])],
      visit.participants.map((participant) => h('tr', {},
        h('th', { scope: 'row' }, participant.name),
        h('td', {}, participant.title),
        h('td', {}, participant.organization),
        participant.side ? h('td', {}, label(participant.side)) : null)),
      { class: 'participants' }),
    visit.topics.length
      ? h('details', {}, h('summary', {}, `Topics (${visit.topics.length})`), h('ul', {}, visit.topics.map((topic) => h('li', {}, topic))))
      : null)));
}
