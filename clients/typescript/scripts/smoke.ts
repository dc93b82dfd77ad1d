// Runs every operation against a running server (PATCHBAY_URL, default http://127.0.0.1:8000)
// with the demo data and checks the answers; exits non-zero on the first wrong one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ClientError } from 'graphql-request';
import {
  CreatorPageDocument,
  FollowDocument,
  LoginDocument,
  PopularSearchesDocument,
  AcknowledgeReportDocument,
  ConsentAtDocument,
  DismissReportDocument,
  ModerationQueueDocument,
  ReopenReportDocument,
  ReportContentDocument,
  ResolveReportDocument,
  SetVideoConsentDocument,
  VideoConsentDocument,
  RecordTechniquePageViewDocument,
  ReorderKeyMomentsDocument,
  RestoreTechniquePageVersionDocument,
  ReviewKeyMomentsDocument,
  SetTechniquePageTagsDocument,
  TechniquePageDiffDocument,
  TechniquePageEditorDocument,
  UpdateTechniquePageDocument,
  VideoMomentsDocument,
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
const creators = home.creators.edges.map((e) => e.node);
assert.ok(creators.length > 0 && creators.length <= 5, 'home: page size');
assert.ok(home.creators.edges.every((e) => e.cursor.length > 0), 'home: every edge has a cursor');
const slug = creators[0].slug;

// The next page starts after the last cursor and shares no creator with the first.
if (home.creators.pageInfo.hasNextPage) {
  const next = await client.request(HomeCreatorsDocument, { first: 5, after: home.creators.pageInfo.endCursor });
  const firstIds = new Set(creators.map((c) => c.id));
  assert.ok(next.creators.edges.length > 0, 'home: a second page');
  assert.ok(next.creators.edges.every((e) => !firstIds.has(e.node.id)), 'home: pages do not overlap');
}

const creatorPage = await client.request(CreatorPageDocument, { slug, first: 3 });
assert.equal(creatorPage.creator?.slug, slug, 'creator page: the creator asked for');
assert.equal(creatorPage.creator?.id, creators[0].id, 'creator page: the same id as on the home screen');
const pages = creatorPage.creator?.techniquePages.edges.map((e) => e.node) ?? [];
assert.ok(pages.length > 0, 'creator page: technique pages');

const technique = await client.request(TechniquePageDocument, { slug: pages[0].slug });
assert.equal(technique.techniquePage?.slug, pages[0].slug, 'technique page by slug');
assert.equal(technique.techniquePage?.creator.slug, slug, 'technique page: its creator');
assert.equal(technique.techniquePage?.id, pages[0].id, 'technique page: the same id as in the list');
assert.equal(technique.techniquePage?.creator.id, creatorPage.creator?.id, 'technique page: its creator\'s id');

const tagName = technique.techniquePage?.tags[0]?.name;
assert.ok(tagName, 'technique page: has a tag');
const tag = await client.request(TagPageDocument, { name: tagName, first: 100 });
assert.equal(tag.tag?.name, tagName, 'tag page: the tag asked for');
assert.equal(tag.tag?.id, technique.techniquePage?.tags[0]?.id, 'tag page: the same id as on the technique page');
assert.ok(
  tag.tag?.techniquePages.edges.some((e) => e.node.id === pages[0].id),
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

// The editor screens, as the admin this run created (PATCHBAY_ADMIN_EMAIL, PATCHBAY_ADMIN_PASSWORD):
// edit a page, see its history and diff, restore, retag, review and reorder a video's moments.
const adminEmail = process.env.PATCHBAY_ADMIN_EMAIL;
const adminPassword = process.env.PATCHBAY_ADMIN_PASSWORD;
assert.ok(adminEmail && adminPassword, 'PATCHBAY_ADMIN_EMAIL and PATCHBAY_ADMIN_PASSWORD: an admin (`patchbay create-admin`)');
const adminLogin = await client.request(LoginDocument, { email: adminEmail, password: adminPassword });
const editor = patchbayClient(endpoint, { authorization: `Bearer ${adminLogin.login.token}` });
const editSlug = pages[0].slug;
const opened = await editor.request(TechniquePageEditorDocument, { slug: editSlug, first: 5 });
const editing = opened.techniquePage;
assert.ok(editing, 'editor: the page');
const viewed = await client.request(RecordTechniquePageViewDocument, { id: editing.id });
assert.equal(viewed.recordTechniquePageView.counted, true, 'view: counted');
assert.equal(viewed.recordTechniquePageView.techniquePage.viewCount, editing.viewCount + 1, 'view: one more');
const viewedAgain = await client.request(RecordTechniquePageViewDocument, { id: editing.id });
assert.equal(viewedAgain.recordTechniquePageView.counted, false, 'view: once per viewer per half hour');

const edited = await editor.request(UpdateTechniquePageDocument, {
  id: editing.id,
  expectedVersion: editing.version,
  input: { summary: `${editing.summary} (edited by the smoke run)` },
});
const saved = edited.updateTechniquePage.techniquePage;
// A page never versioned gets its unedited state as version 1 first.
assert.equal(saved.version, editing.version === 0 ? 2 : editing.version + 1, 'edit: the next version');
assert.equal(saved.slug, editSlug, 'edit: the slug stays');
await assert.rejects(
  editor.request(UpdateTechniquePageDocument, { id: editing.id, expectedVersion: editing.version, input: { summary: 'stale' } }),
  (e: unknown) =>
    e instanceof ClientError
    && e.response.errors?.[0]?.extensions?.code === 'CONFLICT'
    && e.response.errors?.[0]?.extensions?.currentVersion === saved.version,
  'edit: a stale version is a CONFLICT with the current version',
);
const compared = await editor.request(TechniquePageDiffDocument, { slug: editSlug, from: saved.version - 1, to: saved.version });
assert.deepEqual(compared.techniquePage?.diff.fields.map((f) => f.field), ['summary'], 'diff: the summary changed');
const history = await editor.request(TechniquePageEditorDocument, { slug: editSlug, first: 5 });
const versionNumbers = history.techniquePage?.versions.edges.map((e) => e.node.versionNumber) ?? [];
assert.equal(versionNumbers[0], saved.version, 'history: newest first');
const previous = history.techniquePage?.versions.edges.find((e) => e.node.versionNumber === saved.version - 1);
assert.ok(previous, 'history: the version before the edit');
const restored = await editor.request(RestoreTechniquePageVersionDocument, {
  versionId: previous.node.id,
  expectedVersion: saved.version,
});
assert.equal(restored.restoreTechniquePageVersion.techniquePage.summary, editing.summary, 'restore: the old summary');
assert.equal(restored.restoreTechniquePageVersion.techniquePage.version, saved.version + 1, 'restore: a new version');

const originalTags = editing.tags.map((t) => t.name);
const retagged = await editor.request(SetTechniquePageTagsDocument, { pageId: editing.id, names: [...originalTags, '  Smoke   Run '] });
assert.ok(retagged.setTechniquePageTags.techniquePage.tags.some((t) => t.name === 'smoke run'), 'tags: normalized');
const untagged = await editor.request(SetTechniquePageTagsDocument, { pageId: editing.id, names: originalTags });
assert.deepEqual(untagged.setTechniquePageTags.techniquePage.tags.map((t) => t.name).sort(), [...originalTags].sort(), 'tags: set back');

const videoId = editing.sourceVideos[0]?.id;
assert.ok(videoId, 'editor: the page has a source video');
const moments = await editor.request(VideoMomentsDocument, { id: videoId, first: 100 });
const momentIds = moments.sourceVideo?.keyMoments.edges.map((e) => e.node.id) ?? [];
assert.ok(momentIds.length > 0, 'moments: the video has key moments');
const reviewed = await editor.request(ReviewKeyMomentsDocument, { ids: [momentIds[0]], status: 'APPROVED' });
assert.equal(reviewed.reviewKeyMoments.keyMoments[0].reviewStatus, 'APPROVED', 'review: approved');
const reordered = await editor.request(ReorderKeyMomentsDocument, { videoId, orderedIds: [...momentIds].reverse() });
assert.deepEqual(
  reordered.reorderKeyMoments.sourceVideo.keyMoments.edges.map((e) => [e.node.id, e.node.sortOrder]),
  [...momentIds].reverse().map((id, i) => [id, i]),
  'reorder: the new order, numbered from 0',
);

// Consent: the admin changes a flag and back; each change is audited, consentAt replays them.
const consentBefore = await editor.request(VideoConsentDocument, { id: videoId, first: 5 });
const training = consentBefore.sourceVideo?.consent?.trainingUsage ?? false;
const flipped = await editor.request(SetVideoConsentDocument, { videoId, input: { trainingUsage: !training } });
assert.equal(flipped.setVideoConsent.consent.trainingUsage, !training, 'consent: changed');
const audited = await editor.request(VideoConsentDocument, { id: videoId, first: 5 });
const latest = audited.sourceVideo?.consent?.history.edges[0]?.node;
assert.equal(latest?.fieldName, 'TRAINING_USAGE', 'consent: the change is audited');
assert.equal(latest?.newValue, !training, 'consent: with its new value');
const replayed = await editor.request(ConsentAtDocument, { videoId, at: new Date().toISOString() });
assert.equal(replayed.consentAt?.trainingUsage, !training, 'consentAt: the value now');
await editor.request(SetVideoConsentDocument, { videoId, input: { trainingUsage: training } });

// Reports: a reader reports the page; the admin acknowledges, resolves, reopens and dismisses.
const reported = await signedIn.request(ReportContentDocument, {
  input: { targetId: editing.id, reportType: 'INACCURACY', description: 'The smoke run thinks this is wrong.' },
});
assert.equal(reported.reportContent.report.status, 'OPEN', 'report: open');
const reportedAgain = await signedIn.request(ReportContentDocument, {
  input: { targetId: editing.id, reportType: 'INACCURACY', description: 'Still wrong.' },
});
assert.equal(reportedAgain.reportContent.report.id, reported.reportContent.report.id, 'report: no duplicate');
const queue = await editor.request(ModerationQueueDocument, { filter: { status: 'OPEN' }, first: 100 });
assert.ok(queue.contentReportCounts.open >= 1, 'moderation: counted');
assert.ok(queue.contentReports.edges.some((e) => e.node.id === reported.reportContent.report.id), 'moderation: queued');
const reportId = reported.reportContent.report.id;
assert.equal((await editor.request(AcknowledgeReportDocument, { id: reportId })).acknowledgeReport.report.status, 'ACKNOWLEDGED');
assert.equal((await editor.request(ResolveReportDocument, { id: reportId, notes: 'checked' })).resolveReport.report.status, 'RESOLVED');
await assert.rejects(
  editor.request(ResolveReportDocument, { id: reportId }),
  (e: unknown) => e instanceof ClientError && e.response.errors?.[0]?.extensions?.detail === 'INVALID_TRANSITION',
  'moderation: a resolved report is not resolved again',
);
assert.equal((await editor.request(ReopenReportDocument, { id: reportId })).reopenReport.report.status, 'OPEN');
assert.equal((await editor.request(DismissReportDocument, { id: reportId, notes: 'fine' })).dismissReport.report.status, 'DISMISSED');

// Persisted documents: an operation of the generated manifest by its id alone, as the
// GraphQL-over-HTTP spec's `documentId` (POST) and Relay's `doc_id` (GET). A server run with
// `--trusted-documents` knows it already; one with APQ learns it from the id sent with the text.
const manifest: Record<string, string> = JSON.parse(
  readFileSync(new URL('../src/generated/persisted-documents.json', import.meta.url), 'utf8'),
);
const persisted = Object.entries(manifest).find(([, text]) => text.startsWith('query HomeCreators'));
assert.ok(persisted, 'the manifest holds HomeCreators');
const [hash, text] = persisted;
const variables = { first: 1 };
const postJson = async (body: object) => {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return response.json();
};
let byId = await postJson({ documentId: `sha256:${hash}`, variables });
if (byId.errors?.[0]?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND') {
  byId = await postJson({ documentId: `sha256:${hash}`, query: text, variables });
}
assert.equal(byId.data?.creators.edges.length, 1, `documentId with the text: ${JSON.stringify(byId)}`);
byId = await postJson({ documentId: `sha256:${hash}`, variables });
assert.equal(byId.data?.creators.edges[0].node.id, creators[0].id, `documentId alone: ${JSON.stringify(byId)}`);
const query = new URLSearchParams({ doc_id: hash, variables: JSON.stringify(variables) });
const viaGet = await (await fetch(`${endpoint}?${query}`, { headers: { accept: 'application/graphql-response+json' } })).json();
assert.equal(viaGet.data?.creators.edges[0].node.id, creators[0].id, `doc_id over GET: ${JSON.stringify(viaGet)}`);

console.log('TypeScript client: 29 operations and a persisted document answered as expected');
