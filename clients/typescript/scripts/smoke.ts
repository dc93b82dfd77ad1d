// Runs every operation against a running server (PATCHBAY_URL, default http://127.0.0.1:8000)
// with the demo data and checks the answers; exits non-zero on the first wrong one.
import assert from 'node:assert/strict';
import {
  CreatorPageDocument,
  HomeCreatorsDocument,
  TagPageDocument,
  TechniquePageDocument,
  patchbayClient,
} from '../src/client';

const client = patchbayClient(`${process.env.PATCHBAY_URL ?? 'http://127.0.0.1:8000'}/graphql`);

const home = await client.request(HomeCreatorsDocument, { first: 5 });
assert.ok(home.creators.totalCount > 0, 'home: creators exist');
assert.ok(home.creators.nodes.length > 0 && home.creators.nodes.length <= 5, 'home: page size');
const slug = home.creators.nodes[0].slug;

const creatorPage = await client.request(CreatorPageDocument, { slug, first: 3 });
assert.equal(creatorPage.creator?.slug, slug, 'creator page: the creator asked for');
const pages = creatorPage.creator?.techniquePages.nodes ?? [];
assert.ok(pages.length > 0, 'creator page: technique pages');

const technique = await client.request(TechniquePageDocument, { slug: pages[0].slug });
assert.equal(technique.techniquePage?.slug, pages[0].slug, 'technique page by slug');
assert.equal(technique.techniquePage?.creator.slug, slug, 'technique page: its creator');

const tagName = technique.techniquePage?.tags[0]?.name;
assert.ok(tagName, 'technique page: has a tag');
const tag = await client.request(TagPageDocument, { name: tagName, first: 100 });
assert.equal(tag.tag?.name, tagName, 'tag page: the tag asked for');
assert.ok(
  tag.tag?.techniquePages.nodes.some((p) => p.slug === pages[0].slug),
  'tag page: lists the technique page carrying it',
);

const missing = await client.request(CreatorPageDocument, { slug: 'no-such-creator' });
assert.equal(missing.creator, null, 'unknown slug: null');

console.log('TypeScript client: 5 operations answered as expected');
