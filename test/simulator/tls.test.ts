import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import { expect, test } from 'vitest';
import { selfSignedCertificate } from '../../simulator/src/tls.js';

// A serial's bytes are random: each case is one a random draw reaches now and then.
test.each([
  ['a high first bit', '80112233445566778899aabbccddeeff'],
  ['leading zero bytes', '0000112233445566778899aabbccddee'],
  ['a zero byte before a high bit', '00ff112233445566778899aabbccddee'],
])('a serial with %s is encoded as DER allows, and OpenSSL takes the certificate', (_case, serial) => {
  const { key, cert } = selfSignedCertificate(['localhost', '127.0.0.1'], Buffer.from(serial, 'hex'));
  const parsed = new X509Certificate(cert);
  expect(parsed.serialNumber).toBe(serial.replace(/^(00)+/, '').toUpperCase());
  expect(parsed.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
  expect(parsed.checkPrivateKey(createPrivateKey(key))).toBe(true);
  expect(() => createSecureContext({ key, cert })).not.toThrow();
});
