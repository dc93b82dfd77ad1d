// Runs every operation against a running server (PATCHBAY_URL, default http://127.0.0.1:8000)
// with the demo data and checks the answers; exits non-zero on the first wrong one.
import assert from 'node:assert/strict';
import {
  CreatorPageDocument,
  FollowDocument,
  LoginDocument,
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

// Sign up with the demo invite code, log in, follow and unfollow as that user.
const email = `smoke-${Date.now()}@example.com`;
const password = 'correct horse battery staple';
const registered = await client.request(RegisterDocument, {
  input: { email, password, displayName: 'Smoke Test', inviteCode: 'WELCOME-PATCHBAY' },
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

console.log('TypeScript client: 9 operations answered as expected');
