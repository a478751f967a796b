// The key lives in sessionStorage: it survives reloads of the tab and is gone when the tab closes.
const storageKey = 'cooperation-ledger.api-key';

export function storedKey() {
  return sessionStorage.getItem(storageKey);
}

export function storeKey(key) {
  sessionStorage.setItem(storageKey, key);
}

export function forgetKey() {
  sessionStorage.removeItem(storageKey);
}

const auditingRoles = ['auditor', 'admin'];

export function canAudit(user) {
  return user.roles.some((role) => auditingRoles.includes(role));
}
