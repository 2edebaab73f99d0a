import { builder } from './builder.js';
import { nodeObject } from './node.js';
import { AgentRef, UrlConfigurationRef } from './refs.js';

const UrlConfigurationAuthEnum = builder.enumType('UrlConfigurationAuth', {
  description: 'How GitLab authenticates to a receptive agent.',
  values: {
    JWT: { description: 'GitLab generated a key pair and authenticates with a JWT; `publicKey` is set.' },
    MTLS: { description: 'Mutual TLS with the client certificate in `clientCert`.' },
  } as const,
});

nodeObject(UrlConfigurationRef, 'UrlConfiguration', {
  description: 'Where GitLab reaches a receptive agent, and how it authenticates.',
  load: (key, { gitlab }) => gitlab.urlConfiguration(key),
  fields: (t) => ({
    databaseId: t.exposeInt('databaseId', { description: "GitLab's numeric URL configuration id." }),
    url: t.exposeString('url', { description: 'The agent endpoint, `grpc://` or `grpcs://`.' }),
    authMethod: t.field({
      type: UrlConfigurationAuthEnum,
      description: 'MTLS when a client certificate is set, else JWT.',
      resolve: (config) => (config.clientCert ? 'MTLS' : 'JWT'),
    }),
    publicKey: t.exposeString('publicKey', { nullable: true, description: 'Base64 Ed25519 public key (JWT mode), as GitLab sends it.' }),
    clientCert: t.exposeString('clientCert', { nullable: true, description: 'Client certificate, PEM (mTLS mode). The key is never returned.' }),
    caCert: t.exposeString('caCert', { nullable: true, description: 'CA certificate that verifies the agent endpoint, PEM.' }),
    tlsHost: t.exposeString('tlsHost', { nullable: true, description: 'Server name expected on the agent endpoint.' }),
    agent: t.field({
      type: AgentRef,
      description: 'The receptive agent this configuration reaches.',
      resolve: (config, _args, { gitlab }) => gitlab.agent({ projectId: config.projectId, agentId: config.agentId }),
    }),
  }),
});
