import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents from the server's schema.graphql and the SPA's operations; the client preset
// also writes persisted-documents.json (sha256 → document), the server's trusted-documents manifest.
const config: CodegenConfig = {
  schema: '../../schema.graphql',
  documents: ['operations/**/*.graphql'],
  generates: {
    'src/generated/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: { scalars: { DateTime: 'string' }, enumsAsTypes: true, useTypeImports: true },
    },
  },
};
export default config;
