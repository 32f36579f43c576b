/**
 * The Node peer's identity key pair, kept in `<data-dir>/identity.json` (readable by its owner
 * only). Unlike the browser, Node has no non-extractable key storage, so the private key is
 * exported as a JWK to that file; whoever can read it can act as this peer.
 */
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { generateKeyPair, identityFromKeyPair, type PeerIdentity } from '../../shared/identity/peer-keys';
import { ShoalError } from '../../shared/protocol/errors';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const jwkSchema = z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() });
const identityFileSchema = z.object({ publicKey: jwkSchema, privateKey: jwkSchema.extend({ d: z.string() }) });

export async function loadOrCreateIdentity(dataDir: string): Promise<PeerIdentity> {
  const filePath = path.join(dataDir, 'identity.json');
  const existing = await readIdentity(filePath);
  if (existing !== undefined) return existing;
  await mkdir(dataDir, { recursive: true });
  const keyPair = await generateKeyPair(true);
  const text = JSON.stringify({
    publicKey: await crypto.subtle.exportKey('jwk', keyPair.publicKey),
    privateKey: await crypto.subtle.exportKey('jwk', keyPair.privateKey),
  });
  try {
    // 'wx': two peers starting at once on one data dir must not each write their own key.
    const handle = await open(filePath, 'wx', 0o600);
    await handle.writeFile(text);
    await handle.close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const written = await readIdentity(filePath);
    if (written !== undefined) return written;
  }
  return identityFromKeyPair(keyPair);
}

async function readIdentity(filePath: string): Promise<PeerIdentity | undefined> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch {
    return undefined;
  }
  let parsed: z.infer<typeof identityFileSchema>;
  try {
    parsed = identityFileSchema.parse(JSON.parse(text));
  } catch {
    throw new ShoalError('BAD_REQUEST', `'${filePath}' is not a Shoal identity file; move it away to make a new identity`);
  }
  const publicKey = await crypto.subtle.importKey('jwk', parsed.publicKey, ALGORITHM, true, ['verify']);
  const privateKey = await crypto.subtle.importKey('jwk', parsed.privateKey, ALGORITHM, false, ['sign']);
  return identityFromKeyPair({ publicKey, privateKey });
}
