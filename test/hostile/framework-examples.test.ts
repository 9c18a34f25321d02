import { buildExample, isBuilt } from 'neverlose-example-nextjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attack } from './probe.js';
import { Supervised } from './process.js';
import { emulatorProcess } from './targets/emulator.js';
import {
  AUTHJS_EXPRESS,
  BETTER_AUTH,
  frameworkExampleRoutes,
  NEXTJS,
} from './targets/framework-examples.js';
import {
  type LoginExample,
  loginExampleProcess,
  registerCallback,
} from './targets/login-examples.js';

describe.each([BETTER_AUTH, AUTHJS_EXPRESS, NEXTJS])(
  'hostile input against the $name example',
  (example: LoginExample) => {
    let emulator: Supervised;
    let app: Supervised;

    beforeAll(async () => {
      // `next build` once, when no production build is there (about 20 s of two cores).
      if (example === NEXTJS && !isBuilt()) await buildExample();
      emulator = await Supervised.start(emulatorProcess());
      app = await Supervised.start(loginExampleProcess(example, emulator.url));
      await registerCallback(emulator.url, `${app.url}${example.callbackPath}`);
    }, 300_000);
    afterAll(async () => {
      await app?.stop();
      await emulator?.stop();
    });

    it('answers every route of the app and of its framework below 500, and stays up', async () => {
      const routes = await frameworkExampleRoutes(app.url, example);
      expect(await attack(app, routes)).toEqual([]);
      expect(app.exits).toEqual([]);
    }, 600_000);
  },
);
