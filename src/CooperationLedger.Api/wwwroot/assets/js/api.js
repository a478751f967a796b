import { h } from './dom.js';
import { storedKey } from './session.js';

export class ApiError extends Error {
  constructor(status, title, detail, errors) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.errors = errors;
  }
}

let signedOut = () => {};

/** What to do when the API says the key is not (or no longer) valid. */
export function whenKeyRefused(handler) {
  signedOut = handler;
}

async function request(path, accept) {
  const key = storedKey();
  if (!key) throw new ApiError(401, 'Not signed in', 'Sign in with an API key first.');
  let response;
  try {
    response = await fetch(path, { headers: { 'X-Api-Key': key, Accept: accept }, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'No connection', 'The ledger service could not be reached. Check the connection and try again.');
  }
  if (response.ok) return response;
  const error = await problemOf(response);
  if (response.status === 401) signedOut(error);
  throw error;
}

async function problemOf(response) {
  let body = null;
  if ((response.headers.get('Content-Type') ?? '').includes('json')) {
    try {
      body = await response.json();
    } catch {
      body = null;
    }
  }
  const retryAfter = response.headers.get('Retry-After');
  const fallback = {
    401: 'The API key was not accepted.',
    403: 'The roles of your key do not cover this.',
    404: 'Not found.',
    429: `Too many requests${retryAfter ? `: try again in ${retryAfter} seconds` : ''}.`,
  }[response.status] ?? `The service answered ${response.status}.`;
  const detail = body?.detail ?? (response.status >= 500 && body?.title ? `${body.title} (${response.status})` : fallback);
  return new ApiError(response.status, body?.title ?? response.statusText, detail, body?.errors);
}

export async function getJson(path) {
  return (await request(path, 'application/json')).json();
}

/** Fetches with the key header and saves the answer as a file: a plain link could not send the header. */
export async function download(path, accept, fileName) {
  const blob = await (await request(path, accept)).blob();
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return blob;
}

export function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The organization directory is { organizations: [...] }. */
export function organizationsOf(answer) {
  return Array.isArray(answer) ? answer : (answer?.organizations ?? answer?.items ?? []);
}

/** Answers of the list endpoints are { items, total }; accept a bare array too. */
export function itemsOf(answer) {
  return Array.isArray(answer) ? answer : (answer?.items ?? []);
}
