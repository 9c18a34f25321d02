/*
 * The market's operations on the world, with the provider's rules: each checks them, refuses with
 * the provider's error string ({@link OperationRefused}), or applies the change, records it in
 * the ledger and tells the world's listeners.
 */
import { OPERATION_ERRORS, OperationRefused } from './errors.js';
import { toCents } from './money.js';
import type { Origin, UserRecord } from './records.js';
import type { World } from './world.js';

/** The origin of operations made by the emulator itself (admin API, pages, `RunningEmulator`). */
export const EMULATOR_ORIGIN: Origin = { userId: null, requestId: null };

function recipient(world: World, login: string): UserRecord {
  const user = world.userByLogin(login);
  if (user === undefined) throw new OperationRefused(OPERATION_ERRORS.userNotFound);
  return user;
}

/**
 * Gives a seller's item to a user for free (`give-for-free`).
 * @throws {OperationRefused}
 */
export function giveForFree(
  world: World,
  sellerId: number,
  username: string,
  code: string,
  origin: Origin,
): void {
  const item = world.items.get(code);
  if (item === undefined || item.sellerId !== sellerId)
    throw new OperationRefused(OPERATION_ERRORS.invalidItem);
  const user = recipient(world, username);
  if (user.items.includes(code)) throw new OperationRefused(OPERATION_ERRORS.alreadyHasItem);
  user.items.push(code);
  world.record(origin, 'give-for-free', { username: user.login, code });
  world.changed();
}

/**
 * Moves NLE from one user to another (`transfer-money`, or a transfer on the emulator's pages).
 * @throws {OperationRefused}
 */
export function transfer(
  world: World,
  fromId: number,
  username: string,
  amountCents: number,
  origin: Origin,
  method = 'transfer-money',
): void {
  const from = world.users.get(fromId);
  if (from === undefined) throw new OperationRefused(OPERATION_ERRORS.userNotFound);
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0)
    throw new OperationRefused(OPERATION_ERRORS.invalidAmount);
  const to = recipient(world, username);
  if (to.id === from.id) throw new OperationRefused(OPERATION_ERRORS.selfTransfer);
  if (from.balanceCents < amountCents)
    throw new OperationRefused(OPERATION_ERRORS.notEnoughBalance);
  from.balanceCents -= amountCents;
  to.balanceCents += amountCents;
  world.record(origin, method, {
    from: from.login,
    username: to.login,
    amount: amountCents / 100,
  });
  world.counters.transfer += 1;
  world.changed();
  world.emit({
    kind: 'transfer',
    recipientId: to.id,
    sender: from.login,
    amountCents,
    uniqueId: world.counters.transfer,
  });
}

/**
 * A reseller gifts a subscription plan, paying its NLE price (`gift-product`).
 * @throws {OperationRefused}
 */
export function giftProduct(
  world: World,
  resellerId: number,
  username: string,
  productName: string,
  cnt: number,
  origin: Origin,
): void {
  const reseller = world.users.get(resellerId);
  if (reseller === undefined) throw new OperationRefused(OPERATION_ERRORS.userNotFound);
  const product = world.products.get(productName);
  if (product === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidProduct);
  const plan = product.plans.find((p) => p.cnt === cnt);
  if (plan === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidCnt);
  const user = recipient(world, username);
  if (!product.public && !user.invited.includes(product.name))
    throw new OperationRefused(OPERATION_ERRORS.notInvited);
  const price = toCents(plan.eur) ?? 0;
  if (reseller.balanceCents < price) throw new OperationRefused(OPERATION_ERRORS.notEnoughBalance);
  reseller.balanceCents -= price;
  const start = Math.max(world.now(), user.subscriptions[product.name] ?? 0);
  user.subscriptions[product.name] = start + plan.days * 86_400_000;
  world.record(origin, 'gift-product', {
    username: user.login,
    product: product.name,
    cnt,
    days: plan.days,
    price: price / 100,
  });
  world.changed();
}

/**
 * A user buys a market item: the buyer pays its price, the seller gets it minus the market fee
 * and a `purchase` webhook.
 * @throws {OperationRefused}
 */
export function purchase(world: World, buyerLogin: string, code: string): void {
  const item = world.items.get(code);
  if (item === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidItem);
  const buyer = recipient(world, buyerLogin);
  if (buyer.items.includes(code)) throw new OperationRefused(OPERATION_ERRORS.alreadyHasItem);
  if (buyer.balanceCents < item.priceCents)
    throw new OperationRefused(OPERATION_ERRORS.notEnoughBalance);
  const seller = world.users.get(item.sellerId);
  if (seller === undefined) throw new OperationRefused(OPERATION_ERRORS.invalidItem);
  const credit = Math.round(
    (item.priceCents * (100 - world.config.settings.marketFeePercent)) / 100,
  );
  buyer.balanceCents -= item.priceCents;
  seller.balanceCents += credit;
  buyer.items.push(code);
  world.record(EMULATOR_ORIGIN, 'purchase', {
    buyer: buyer.login,
    code,
    price: item.priceCents / 100,
    sellerCredit: credit / 100,
  });
  world.counters.purchase += 1;
  world.changed();
  world.emit({
    kind: 'purchase',
    sellerId: seller.id,
    buyer: buyer.login,
    itemCode: code,
    amountCents: credit,
    uniqueId: world.counters.purchase,
  });
}
