import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attack } from './probe.js';
import { Supervised } from './process.js';
import { emulatorProcess } from './targets/emulator.js';
import {
  EXPRESS_PASSPORT,
  forgedCodeCases,
  type LoginExample,
  loginExampleProcess,
  loginExampleRoutes,
  loginOverHttp,
  registerCallback,
  WEB_STANDARD,
} from './targets/login-examples.js';

describe.each([WEB_STANDARD, EXPRESS_PASSPORT])(
  'hostile input against the $name example',
  (example: LoginExample) => {
    let emulator: Supervised;
    let app: Supervised;

    beforeAll(async () => {
      emulator = await Supervised.start(emulatorProcess());
      app = await Supervised.start(loginExampleProcess(example, emulator.url));
      await registerCallback(emulator.url, `${app.url}${example.callbackPath}`);
    });
    afterAll(async () => {
      await app?.stop();
      await emulator?.stop();
    });

    it('answers every route below 500 and stays up', async () => {
      const forged = forgedCodeCases(example);
      const routes = await loginExampleRoutes(app.url, example);
      expect(await attack(app, routes, (item) => !forged(item))).toEqual([]);
      expect(app.exits).toEqual([]);
    });

    it('answers a forged code at the callback below 500', async () => {
      const routes = await loginExampleRoutes(app.url, example);
      expect(await attack(app, routes, forgedCodeCases(example))).toEqual([]);
      expect(app.exits).toEqual([]);
    });

    it('brings the user back to a returnTo above U+00FF after login', async () => {
      const { callback } = await loginOverHttp(app.url, example, '%2F%C4%80%E2%82%AC%3Fq%3D%C4%80');
      expect(callback.status).toBeLessThan(400);
      expect(callback.headers.get('location')).toBe('/%C4%80%E2%82%AC?q=%C4%80');
      await app.ensureRunning();
      expect(app.exits).toEqual([]);
    });
  },
);
