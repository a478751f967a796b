import { h } from './dom.js';

/** The domain's stages in pipeline order (PartnershipStage). */
export const stages = ['exploring', 'engaged', 'consensus', 'intention', 'negotiating', 'active', 'lapsed', 'suspended', 'closed'];

/** The domain's partner kinds (PartnerKind). */
export const partnerKinds = ['government', 'university', 'enterprise', 'other'];

const dayInMilliseconds = 86_400_000;

/** A wire name as words with a capital: "strategic-alliance" reads "Strategic alliance". */
export function label(name) {
  const words = String(name ?? '').replaceAll('-', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function plural(count, one, many = `${one}s`) {
  return `${count} ${count === 1 ? one : many}`;
}

export function stageBadge(stage) {
  return h('span', { class: `badge stage-${stage}`, 'data-stage': stage }, label(stage));
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${status}`, 'data-status': status }, label(status));
}

export function kindBadge(kind) {
  return h('span', { class: `badge kind-${kind}`, 'data-kind': kind }, label(kind));
}

/** An occurredAt as written: a day ("2024-03-21") or a date-time with its own offset. */
export function occurred(occurredAt) {
  const text = String(occurredAt ?? '');
  if (text.length <= 10) return text;
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2}))?[^+Z-]*(Z|[+-]\d{2}:\d{2})$/.exec(text);
  return match ? `${match[1]} ${match[2]}${match[3] && match[3] !== '00' ? `:${match[3]}` : ''} (${match[4] === 'Z' ? 'UTC' : `UTC${match[4]}`})` : text;
}

/** The calendar day an occurredAt names, in its own offset. */
export function occurredDay(occurredAt) {
  return String(occurredAt ?? '').slice(0, 10);
}

/** A server instant in UTC, to the millisecond: auditors compare these across entries recorded in one second. */
export function instant(value) {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value ?? '');
  return `${date.toISOString().slice(0, 23).replace('T', ' ')} UTC`;
}

export function utcDay(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

export function daysBetween(fromDay, toDay) {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / dayInMilliseconds);
}

/** How late an entry was recorded: from the day it occurred to the (UTC) day the ledger recorded it. */
export function lateness(occurredAt, recordedAt) {
  const days = daysBetween(occurredDay(occurredAt), utcDay(recordedAt));
  if (Number.isNaN(days)) return '';
  if (days === 0) return 'recorded the same day';
  if (days > 0) return `recorded ${plural(days, 'day')} later`;
  return `recorded ${plural(-days, 'day')} before it occurred`;
}

export function todayUtc() {
  return new Date().toISOString().slice(0, 10);
}

/** A datetime-local value read as UTC ("2024-04-09T12:30" → "2024-04-09T12:30:00.000Z"), or null. */
export function utcInstantFromInput(value) {
  if (!value) return null;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function shortHash(hash) {
  return hash ? String(hash).slice(0, 12) : '';
}
