// Runs every operation against a running server (PATCHBAY_URL, default http://127.0.0.1:8000)
// with the demo data and checks the answers; exits non-zero on the first wrong one.
import assert from 'node:assert/strict';
import {
  CreatorPageDocument,
  FollowDocument,
  LoginDocument,
  PopularSearchesDocument,
  SearchDocument,
  RegisterDocument,
  UnfollowDocument,
  HomeCreatorsDocument,
  TagPageDocument,
  TechniquePageDocument,
  patchbayClient,
} from '../src/client';

const endpoint = `${process.env.PATCHBAY_URL ?? 'http://127.0.0.1:8000'}/graphql`;
const client = patchbayClient(endpoint);

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

// Sign up with an invite code made for this run (the demo data has none), log in, follow and
// unfollow as that user.
const inviteCode = process.env.PATCHBAY_INVITE_CODE;
assert.ok(inviteCode, 'PATCHBAY_INVITE_CODE: an invite code (`patchbay invite` prints one)');
const email = `smoke-${Date.now()}@example.com`;
const password = 'correct horse battery staple';
const registered = await client.request(RegisterDocument, {
  input: { email, password, displayName: 'Smoke Test', inviteCode },
});
assert.ok(registered.register.token.length > 20, 'register: a token');
const login = await client.request(LoginDocument, { email, password });
assert.equal(login.login.user.email, email, 'login: the signed-in user sees their email');
const signedIn = patchbayClient(endpoint, { authorization: `Bearer ${login.login.token}` });
const creatorId = creatorPage.creator?.id;
assert.ok(creatorId, 'creator page: the creator has an id');
const followed = await signedIn.request(FollowDocument, { creatorId });
assert.equal(followed.followCreator.viewerFollows, true, 'follow: now following');
const again = await signedIn.request(FollowDocument, { creatorId });
assert.equal(again.followCreator.followerCount, followed.followCreator.followerCount, 'follow is idempotent');
const unfollowed = await signedIn.request(UnfollowDocument, { creatorId });
assert.equal(unfollowed.unfollowCreator.viewerFollows, false, 'unfollow: no longer following');
assert.equal(unfollowed.unfollowCreator.followerCount, followed.followCreator.followerCount - 1, 'unfollow: one follower fewer');

// Search the title of a page seen above, as the search box would (the last word a prefix).
const title = pages[0].title;
const words = title.split(/\s+/);
const typed = words.length > 1 ? `${words[0]} ${words[1].slice(0, 3)}` : words[0].slice(0, 3);
const normalized = typed.toLowerCase();
const found = await client.request(SearchDocument, { query: typed, first: 100 });
assert.ok(found.search.totalCount > 0, 'search: finds something');
const hit = found.search.edges.find(
  (e) => e.node.__typename === 'TechniquePage' && e.node.slug === pages[0].slug,
);
assert.ok(hit, `search: "${typed}" finds the page titled "${title}"`);
assert.ok(hit.snippets.some((s) => s.highlights.length > 0 && s.html.includes('<mark>')), 'search: highlighted snippet');
const onlyCreators = await client.request(SearchDocument, { query: typed, types: ['CREATOR'] });
assert.ok(
  onlyCreators.search.edges.every((e) => e.node.__typename === 'Creator'),
  'search: types narrows the kinds of results',
);
// The first-page searches above are logged in the background; they show up as popular soon.
let popular: string[] = [];
for (let attempt = 0; attempt < 50 && !popular.includes(normalized); attempt++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  popular = (await client.request(PopularSearchesDocument, { limit: 100 })).popularSearches.map((p) => p.query);
}
assert.ok(popular.includes(normalized), `popular searches: "${typed}" is listed`);

console.log('TypeScript client: 11 operations answered as expected');
