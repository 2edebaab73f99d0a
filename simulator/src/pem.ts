import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/** CertificateValidator: `OpenSSL::X509::Certificate.new(value)` must parse; here only the PEM form is taken. */
export function isCertificatePem(text: string): boolean {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return false;
  try {
    new X509Certificate(text);
    return true;
  } catch {
    return false;
  }
}

/** CertificateKeyValidator: `OpenSSL::PKey.read(value).private?`. */
export function isPrivateKeyPem(text: string): boolean {
  if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(text)) return false;
  try {
    createPrivateKey(text);
    return true;
  } catch {
    return false;
  }
}

/** The entity's `public_key`: `Base64.strict_encode64` of the raw 32-byte Ed25519 verify key (44 chars). */
function rawPublicKey(publicKey: KeyObject): string {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return spki.subarray(spki.length - 32).toString('base64');
}

/** `Ed25519::SigningKey.generate`, as the create service does for JWT mode. */
export function generateEd25519PublicKey(): string {
  return rawPublicKey(generateKeyPairSync('ed25519').publicKey);
}

/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The public key of the Ed25519 key pair grown from `seed` (32 bytes), for deterministic fixtures. */
export function ed25519PublicKeyFromSeed(seed: Buffer): string {
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  return rawPublicKey(createPublicKey(privateKey));
}
