import { type EntryName, resolveNamedConfig, type SeedList } from '../config/resolve.js';
import type { EmulatorConfig } from '../config/seed.js';
import { EmulatorError } from '../errors.js';
import { seedWorld } from '../world/seeding.js';
import type { World } from '../world/world.js';

const LISTS: Readonly<Record<SeedList, string>> = {
  users: 'id',
  products: 'name',
  items: 'code',
  marketAccounts: 'userId',
  oauthClients: 'clientId',
};

function isSeedList(name: string): name is SeedList {
  return Object.hasOwn(LISTS, name);
}

/**
 * Merges the entries of `POST /admin/api/seed` into the world: each replaces the entry with the
 * same key (`id`, `name`, `code`, `userId`, `clientId`) or is added.
 *
 * An entry sent is named in errors by its index in the request (`marketAccounts[0]`), an entry
 * already there by its key. Re-seeding an entry replaces what the seed format describes and keeps
 * what only the API sets: a user's subscriptions, and an integration's reseller prices while its
 * id stays the same (they still expire). `POST /admin/api/reset` clears both.
 *
 * @throws {EmulatorError} `ERR_INVALID_ARGUMENT` for an unknown list, `ERR_INVALID_OPTION` for an
 *   entry that breaks a rule.
 */
export function applySeed(world: World, body: Record<string, unknown>): void {
  const current = world.config as unknown as EmulatorConfig;
  const merged: Record<string, unknown> = { ...current };
  const kept: Partial<Record<SeedList, readonly unknown[]>> = {};
  const sent: Partial<Record<SeedList, Set<unknown>>> = {};
  for (const [name, added] of Object.entries(body)) {
    if (!isSeedList(name)) {
      throw new EmulatorError(
        'ERR_INVALID_ARGUMENT',
        `seed: unknown list "${name}" (${Object.keys(LISTS).join(', ')}).`,
      );
    }
    if (!Array.isArray(added))
      throw new EmulatorError('ERR_INVALID_ARGUMENT', `seed: ${name} must be an array.`);
    const key = LISTS[name];
    const keyOf = (entry: unknown) =>
      typeof entry === 'object' && entry !== null
        ? (entry as Record<string, unknown>)[key]
        : undefined;
    const keys = new Set(added.map(keyOf));
    const base = ((current[name] ?? []) as readonly unknown[]).filter((e) => !keys.has(keyOf(e)));
    kept[name] = base;
    sent[name] = keys;
    merged[name] = [...base, ...added];
  }
  const entry: EntryName = (name, index) => {
    const base = kept[name] ?? [];
    if (index >= base.length) return `${name}[${index - base.length}]`;
    const key = (base[index] as Record<string, unknown>)[LISTS[name]];
    return `the ${name} entry with ${LISTS[name]} ${JSON.stringify(key)} (already seeded)`;
  };
  const resolved = resolveNamedConfig(merged, entry);
  const seeded = seedWorld(resolved);
  const touched = (name: SeedList) => sent[name] ?? new Set<unknown>();

  for (const user of seeded.users) {
    if (!touched('users').has(user.id)) continue;
    user.subscriptions = world.users.get(user.id)?.subscriptions ?? {};
    world.users.set(user.id, user);
  }
  for (const p of seeded.products)
    if (touched('products').has(p.name)) world.products.set(p.name, p);
  for (const i of seeded.items) if (touched('items').has(i.code)) world.items.set(i.code, i);
  for (const account of seeded.marketAccounts) {
    if (!touched('marketAccounts').has(account.userId)) continue;
    const before = world.accounts.get(account.userId)?.integration;
    if (account.integration !== undefined && before?.id === account.integration.id)
      account.integration.prices = before.prices;
    world.accounts.set(account.userId, account);
  }
  for (const c of seeded.oauthClients)
    if (touched('oauthClients').has(c.clientId)) world.clients.set(c.clientId, c);
  world.adoptSeed(resolved);
  world.changed();
}
