import { defaultBehaviour, USER } from '@neverlose-toolkit/test-support/hostile-provider';
import {
  type ProviderProcess,
  startProviderProcess,
} from '@neverlose-toolkit/test-support/hostile-provider-process';
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core';
import { Supervised } from '../hostile/process.js';
import { type CapturedRequest, confine, drive, type JourneyRecord, signedInAs } from './journey.js';
import { type ConformanceModule, JOURNEY_DEADLINE_MS } from './modules.js';
import { CLIENT, exampleProcess, loginUrl, type Surface } from './surfaces.js';
import { type Cell, type Observation, verdict } from './verdict.js';

// Runs the modules on one surface: one hostile provider (a process of its own), whose switches
// flip per module, and the surface's example app in a child process (one per `app` the modules
// name). Each module gets a browser without cookies (one browser context per surface, emptied
// between modules), confined to the app's and the provider's origins.

/** The cells of one surface, by module name, and how long the surface and each module took. */
export interface SurfaceResult {
  readonly surface: Surface;
  readonly cells: ReadonlyMap<string, Cell>;
  readonly seconds: number;
  /** Milliseconds per module, by name. */
  readonly durations: ReadonlyMap<string, number>;
}

/** The modules grouped by the app process they run on, in their order. */
function byApp(modules: readonly ConformanceModule[]): Map<string, ConformanceModule[]> {
  const groups = new Map<string, ConformanceModule[]>();
  for (const module of modules) {
    const name = module.app ?? 'default';
    groups.set(name, [...(groups.get(name) ?? []), module]);
  }
  return groups;
}

/** The end of an exit's stderr, when the app died since `before` exits were recorded. */
async function deathSince(app: Supervised, before: number): Promise<string | undefined> {
  // An answer proves the process up; a crash just after the last page is caught here.
  const alive = await fetch(`${app.url}/`, {
    redirect: 'manual',
    signal: AbortSignal.timeout(5000),
  })
    .then(async (response) => {
      await response.body?.cancel();
      return true;
    })
    .catch(() => false);
  if (!alive && app.alive) await app.waitForExit(1000);
  const exit = app.exits[before];
  if (exit !== undefined) {
    await app.ensureRunning();
    return `exit ${exit.signal ?? exit.code}: ${exit.stderr.slice(-1500)}`;
  }
  return alive ? undefined : 'it stopped answering';
}

/** The browser of one surface: one context and page, emptied between modules. */
interface Browsing {
  readonly context: BrowserContext;
  readonly page: Page;
  /** The origins the context may visit: the provider's, and the current app's. */
  readonly origins: string[];
}

interface ModuleRun {
  readonly surface: Surface;
  readonly module: ConformanceModule;
  readonly app: Supervised;
  readonly provider: ProviderProcess;
  readonly browsing: Browsing;
}

function login(run: ModuleRun, capture?: (url: URL) => boolean): Promise<JourneyRecord> {
  const { surface, module, app, provider, browsing } = run;
  return drive(browsing.page, loginUrl(surface, app.url, module.returnTo), {
    origins: [app.url, provider.issuer],
    app: app.url,
    ...(surface.passesThrough === undefined ? {} : { passesThrough: surface.passesThrough }),
    ...(capture === undefined ? {} : { capture }),
    deadlineMs: module.deadlineMs ?? JOURNEY_DEADLINE_MS,
  });
}

/**
 * A first login that must sign in, for modules that test what comes after one. The browser's
 * cookies are cleared after it, as a second browser would start.
 * @returns why it did not sign in, or the request `capture` picked (an empty one without).
 */
async function friendlyLogin(
  run: ModuleRun,
  capture?: (url: URL) => boolean,
): Promise<string | CapturedRequest> {
  const record = await login(run, capture);
  const { context } = run.browsing;
  const who = await signedInAs(context.request, run.app.url).catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
  await context.clearCookies();
  if (who instanceof Error) return `the login before the test: ${who.message}`;
  if (who !== USER.preferred_username) {
    const hops = record.hops.map((hop) => `${hop.status} ${hop.url}`).join(', ');
    return `the login before the test did not sign in (${hops}): ${record.text.slice(0, 200)}`;
  }
  if (capture !== undefined && record.captured === undefined) return 'nothing was captured';
  return record.captured ?? { url: '', cookie: '' };
}

/** `Cookie` header pairs as cookies of `origin`, for every path. */
function cookiesFor(origin: string, header: string): Cookie[] {
  const { hostname } = new URL(origin);
  return header
    .split(/;\s*/)
    .filter((pair) => pair.includes('='))
    .map((pair) => {
      const index = pair.indexOf('=');
      return {
        name: pair.slice(0, index),
        value: pair.slice(index + 1),
        domain: hostname,
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: 'Lax' as const,
      };
    });
}

/** Drives one module from a browser without cookies and records what it saw. */
async function observe(run: ModuleRun): Promise<Observation> {
  const { surface, module, app, provider, browsing } = run;
  const { context } = browsing;
  await context.clearCookies();
  const exitsBefore = app.exits.length;
  let record: JourneyRecord;
  switch (module.journey ?? 'login') {
    case 'login': {
      record = await login(run);
      break;
    }
    case 'replay': {
      // The callback as it arrived, with the cookies the browser sent along, from a browser
      // that holds those cookies only.
      const callback = await friendlyLogin(run, (url) => url.pathname === surface.callbackPath);
      if (typeof callback === 'string') return { kind: 'broken', why: callback };
      await context.addCookies(cookiesFor(app.url, callback.cookie));
      record = await drive(browsing.page, callback.url, {
        origins: [app.url, provider.issuer],
        app: app.url,
        deadlineMs: module.deadlineMs ?? JOURNEY_DEADLINE_MS,
      });
      break;
    }
    case 'rotation': {
      const first = await friendlyLogin(run);
      if (typeof first === 'string') return { kind: 'broken', why: first };
      await provider.rotateSigningKey();
      record = await login(run);
      break;
    }
  }
  let who: string | undefined;
  let unknown: unknown;
  try {
    who = await signedInAs(context.request, app.url);
  } catch (error) {
    unknown = error;
  }
  const died = await deathSince(app, exitsBefore);
  if (unknown !== undefined && died === undefined) {
    // Not knowing who is signed in proves nothing, least of all a refusal.
    const why = unknown instanceof Error ? unknown.message : String(unknown);
    return { kind: 'broken', why: `the app could not say who is signed in: ${why}` };
  }
  return { kind: 'journey', journey: record, signedInAs: who, died };
}

/** Runs `modules` on `surface` (see the file's comment). */
export async function runSurface(
  surface: Surface,
  modules: readonly ConformanceModule[],
  browser: Browser,
): Promise<SurfaceResult> {
  const started = Date.now();
  const cells = new Map<string, Cell>();
  const durations = new Map<string, number>();
  const provider = await startProviderProcess({
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
  });
  const context = await browser.newContext();
  const origins = [provider.issuer];
  await confine(context, () => origins);
  const browsing: Browsing = { context, page: await context.newPage(), origins };
  const where = (module: ConformanceModule, app?: Supervised) => ({
    origins: app === undefined ? [provider.issuer] : [app.url, provider.issuer],
    callbackPath: surface.callbackPath,
    deadlineMs: module.deadlineMs ?? JOURNEY_DEADLINE_MS,
  });
  try {
    for (const group of byApp(modules).values()) {
      // The provider as the group's first module has it, before the app first meets it.
      await provider.setBehaviour({ ...defaultBehaviour(), ...group[0]?.behaviour });
      let app: Supervised;
      try {
        app = await Supervised.start(exampleProcess(surface, { issuer: provider.issuer }));
      } catch (error) {
        const stderr = error instanceof Error ? error.message : String(error);
        for (const module of group) {
          const observation: Observation = { kind: 'refused at start', stderr };
          cells.set(module.name, verdict(module.expect, observation, where(module)));
        }
        continue;
      }
      origins.splice(0, origins.length, provider.issuer, app.url);
      try {
        for (const module of group) {
          await provider.setBehaviour({ ...defaultBehaviour(), ...module.behaviour });
          const moduleStarted = Date.now();
          const observation = await observe({ surface, module, app, provider, browsing }).catch(
            (error: unknown): Observation => ({
              kind: 'broken',
              why: `the harness failed: ${error instanceof Error ? error.stack : error}`,
            }),
          );
          cells.set(module.name, verdict(module.expect, observation, where(module, app)));
          durations.set(module.name, Date.now() - moduleStarted);
        }
      } finally {
        await app.stop();
      }
    }
  } finally {
    await context.close();
    await provider.close();
  }
  return { surface, cells, durations, seconds: Math.round((Date.now() - started) / 1000) };
}

/** Runs every surface, `concurrency` at a time. */
export async function runMatrix(
  surfaces: readonly Surface[],
  modules: readonly ConformanceModule[],
  browser: Browser,
  concurrency: number,
): Promise<SurfaceResult[]> {
  const results: SurfaceResult[] = [];
  const queue = [...surfaces];
  const worker = async () => {
    for (let surface = queue.shift(); surface !== undefined; surface = queue.shift()) {
      results.push(await runSurface(surface, modules, browser));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return surfaces.map((surface) => results.find((result) => result.surface === surface)!);
}
