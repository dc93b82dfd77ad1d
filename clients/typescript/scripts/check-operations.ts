// Checks the operations' shape for normalized caches (Apollo Client's InMemoryCache, Relay, urql's
// Graphcache): every selection on a type that has an `id` field selects `id` (else the cache cannot
// merge the object with the same one read by another operation), and connections are read through
// `edges` with their cursors, not `nodes` (the relay-style pagination helpers merge edges).
// Usage: tsx scripts/check-operations.ts [operation files…] (default: operations/*.graphql).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type SelectionSetNode,
  Kind,
  TypeInfo,
  buildSchema,
  isObjectType,
  isInterfaceType,
  parse,
  visit,
  visitWithTypeInfo,
  validate,
} from 'graphql';

const schema = buildSchema(readFileSync(new URL('../../../schema.graphql', import.meta.url), 'utf8'));
const dir = new URL('../operations/', import.meta.url);
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(dir).filter((f) => f.endsWith('.graphql')).map((f) => join(dir.pathname, f));

/** Whether `set` (with its fragments, for the same type) selects the field `name` unaliased. */
function selects(
  set: SelectionSetNode,
  type: GraphQLCompositeType,
  name: string,
  fragments: Map<string, FragmentDefinitionNode>,
): boolean {
  return set.selections.some((s) => {
    switch (s.kind) {
      case Kind.FIELD:
        return s.name.value === name && (s.alias === undefined || s.alias.value === name);
      case Kind.INLINE_FRAGMENT:
        return (!s.typeCondition || s.typeCondition.name.value === type.name) &&
          selects(s.selectionSet, type, name, fragments);
      case Kind.FRAGMENT_SPREAD: {
        const fragment = fragments.get(s.name.value);
        return fragment !== undefined && fragment.typeCondition.name.value === type.name &&
          selects(fragment.selectionSet, type, name, fragments);
      }
    }
  });
}

function problems(file: string, doc: DocumentNode): string[] {
  const found: string[] = [];
  const fragments = new Map(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );
  const typeInfo = new TypeInfo(schema);
  visit(doc, visitWithTypeInfo(typeInfo, {
    SelectionSet(set) {
      const type = typeInfo.getParentType();
      if (!type || !(isObjectType(type) || isInterfaceType(type))) return;
      const where = `${file}:${set.loc?.startToken.line ?? '?'} (${type.name})`;
      if ('id' in type.getFields() && !selects(set, type, 'id', fragments)) {
        found.push(`${where}: selects fields of a type with an id but not \`id\``);
      }
      if (type.name.endsWith('Connection') && selects(set, type, 'nodes', fragments)) {
        found.push(`${where}: reads a connection through \`nodes\`; page through \`edges { cursor node }\``);
      }
      if (type.name.endsWith('Edge') && !selects(set, type, 'cursor', fragments)) {
        found.push(`${where}: an edge without its \`cursor\``);
      }
    },
  }));
  return found;
}

const all: string[] = [];
for (const file of files) {
  const doc = parse(readFileSync(file, 'utf8'));
  const invalid = validate(schema, doc);
  all.push(...invalid.map((e) => `${file}: ${e.message}`), ...problems(file, doc));
}
if (all.length > 0) {
  console.error(all.join('\n'));
  process.exit(1);
}
console.log(`operations: ${files.length} files select \`id\` on every identifiable object and page through edges`);
