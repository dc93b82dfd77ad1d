// The SPA's entry to Patchbay: a graphql-request client whose `request` is typed by the
// generated documents (variables and result types come from schema.graphql + operations/).
import { GraphQLClient } from 'graphql-request';

export * from './generated/graphql';

export function patchbayClient(endpoint: string, headers: Record<string, string> = {}): GraphQLClient {
  return new GraphQLClient(endpoint, {
    headers: { accept: 'application/graphql-response+json, application/json', ...headers },
  });
}
