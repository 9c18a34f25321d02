/**
 * Subscription plans of `gift-product`: the `cnt` the API takes and the days it gives.
 * The docs list 17.1, 44.1, 80.1 and 134.1 NLE; live prices come from `get-prices`.
 */
export const PLANS = [
  { cnt: 0, days: 30 },
  { cnt: 1, days: 90 },
  { cnt: 2, days: 180 },
  { cnt: 3, days: 365 },
] as const;

/** A plan number (`cnt`) of `gift-product`. */
export type PlanCnt = (typeof PLANS)[number]['cnt'];
/** A plan length in days. */
export type PlanDays = (typeof PLANS)[number]['days'];

/** Product names the docs list (`product` of `gift-product`, `get-prices`, `is-user-invited`). */
export const KNOWN_PRODUCTS = ['csgo', 'cs2'] as const;

/** The days of a plan number, or `undefined` for an unknown one. */
export function daysOfCnt(cnt: unknown): PlanDays | undefined {
  return PLANS.find((plan) => plan.cnt === cnt)?.days;
}

/** The plan number of a length in days, or `undefined` for an unknown one. */
export function cntOfDays(days: unknown): PlanCnt | undefined {
  return PLANS.find((plan) => plan.days === days)?.cnt;
}
