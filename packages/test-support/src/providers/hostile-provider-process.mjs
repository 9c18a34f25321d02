// One hostile provider in a process of its own, driven by its parent over IPC (see
// hostile-provider-process.ts): the conformance matrix runs one per surface, so that what the
// provider does (signing, key generation, held requests) shares no event loop with the browser
// the test drives, nor with another surface's provider.
import { startProvider } from './hostile-provider.mjs';

const provider = await startProvider(JSON.parse(process.argv[2] ?? '{}'));

process.on('message', (message) => {
  const reply = (body) => process.send({ id: message.id, ...body });
  switch (message.type) {
    case 'behaviour':
      provider.behaviour = message.behaviour;
      reply({});
      return;
    case 'rotate':
      provider.rotateSigningKey().then(
        (kid) => reply({ kid }),
        (error) => reply({ error: String(error) }),
      );
      return;
    default:
      reply({ error: `unknown message ${JSON.stringify(message.type)}` });
  }
});
// The parent went away (it ended, or it died): so does the provider.
process.on('disconnect', () => {
  provider.close().then(() => process.exit(0));
});
process.send({ type: 'ready', issuer: provider.issuer });
