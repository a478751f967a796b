import { ApiError, getJson, whenKeyRefused } from './api.js';
import { replace } from './dom.js';
import { failure, pageHeading } from './page.js';
import { organizationsPage } from './pages/organizations.js';
import { overviewPage } from './pages/overview.js';
import { partnershipPage } from './pages/partnership.js';
import { timelinePage } from './pages/timeline.js';
import { forgetKey, storeKey, storedKey } from './session.js';

const routes = [
  { pattern: /^\/?$/, page: overviewPage, nav: 'overview', params: () => ({}) },
  { pattern: /^\/organizations(?:\/([^/]+))?$/, page: organizationsPage, nav: 'organizations', params: ([name]) => ({ name }) },
  { pattern: /^\/partnerships\/([^/]+)$/, page: partnershipPage, nav: 'overview', params: ([id]) => ({ id }) },
  { pattern: /^\/partnerships\/([^/]+)\/timeline(?:\/entry\/([^/]+))?$/, page: timelinePage, nav: 'overview', params: ([id, entry]) => ({ id, entry }) },
];

const elements = {
  main: document.getElementById('main'),
  signIn: document.getElementById('sign-in'),
  signInForm: document.getElementById('sign-in-form'),
  keyInput: document.getElementById('api-key'),
  signInMessage: document.getElementById('sign-in-message'),
  app: document.getElementById('app'),
  nav: document.getElementById('site-nav'),
  session: document.getElementById('session'),
  signedInAs: document.getElementById('signed-in-as'),
  signOut: document.getElementById('sign-out'),
  skipLink: document.getElementById('skip-link'),
};

let user = null;
let shown = null;

function showSignIn(text) {
  user = null;
  shown = null;
  forgetKey();
  elements.app.replaceChildren();
  elements.app.hidden = true;
  elements.nav.hidden = true;
  elements.session.hidden = true;
  elements.signIn.hidden = false;
  elements.signInMessage.hidden = !text;
  elements.signInMessage.textContent = text ?? '';
  document.title = 'Sign in · Cooperation Ledger';
  elements.keyInput.value = '';
  elements.keyInput.focus();
}

function showApp(signedIn) {
  user = signedIn;
  elements.signIn.hidden = true;
  elements.signInMessage.hidden = true;
  elements.app.hidden = false;
  elements.nav.hidden = false;
  elements.session.hidden = false;
  elements.signedInAs.textContent = `${signedIn.name} · ${signedIn.roles.join(', ') || 'no role'}`;
  render();
}

async function signInWith(key) {
  storeKey(key);
  try {
    showApp(await getJson('/api/me'));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      showSignIn('That API key was not accepted. Check it and try again.');
    } else {
      forgetKey();
      showSignIn(`Could not sign in: ${error.detail ?? error.message}`);
    }
  }
}

function currentPath() {
  const hash = window.location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : '/';
}

async function render() {
  if (!user) return;
  const path = currentPath();
  const match = routes.map((route) => ({ route, found: route.pattern.exec(path) })).find(({ found }) => found);
  for (const link of elements.nav.querySelectorAll('a')) {
    if (match && link.dataset.nav === match.route.nav) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!match) {
    shown = null;
    replace(elements.app, pageHeading('Not found'), failure(new Error('There is no such page.')));
    return;
  }
  const params = match.route.params(match.found.slice(1).map(decoded));
  const key = pageKey(match.route, params);
  if (shown && shown.key === key && shown.handle?.focusEntry) {
    shown.handle.focusEntry(params.entry ?? params.name);
    return;
  }
  // Each visit renders into a fresh container: answers that arrive after the user moved on land in a detached node.
  const view = document.createElement('div');
  elements.app.replaceChildren(view);
  shown = { key, handle: null };
  const handle = await match.route.page(view, params, { user });
  if (elements.app.firstChild !== view) return;
  shown.handle = handle;
  if (!params.entry && !params.name) view.querySelector('h1')?.focus();
}

function decoded(part) {
  if (part === undefined) return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

function pageKey(route, params) {
  return `${routes.indexOf(route)}:${params.id ?? ''}`;
}

elements.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = elements.keyInput.value.trim();
  if (!key) {
    elements.signInMessage.hidden = false;
    elements.signInMessage.textContent = 'Enter your API key.';
    elements.keyInput.focus();
    return;
  }
  signInWith(key);
});

elements.signOut.addEventListener('click', () => showSignIn('Signed out.'));

elements.skipLink.addEventListener('click', (event) => {
  event.preventDefault();
  ((user ? elements.app : elements.signIn).querySelector('h1') ?? elements.main).focus();
});

whenKeyRefused(() => showSignIn('Your API key is no longer accepted. Sign in again.'));
window.addEventListener('hashchange', render);

const remembered = storedKey();
if (remembered) signInWith(remembered);
else showSignIn();
