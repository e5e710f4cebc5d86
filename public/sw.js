// Trayforge's service worker: once the app has been opened online, it opens
// offline too (reading, checking and repairing models all happen in the
// page). Built files carry a content hash in their names and never change,
// so they are served from the cache; the page itself is fetched from the
// network first and taken from the cache only when the network fails, so a
// deploy is seen at once. The API is never cached here.
const CACHE = 'trayforge-shell';
const PAGE = '/';

/** The built files a page references (Trunk's hashed JS, wasm and CSS, icons). */
function assetsOf(html) {
  return [...html.matchAll(/(?:href|src)="(\/[^"?#]+)"/g)].map((match) => match[1]);
}

/** Stores the page and everything it references; forgets files an older page used. */
async function keep(response) {
  const cache = await caches.open(CACHE);
  const html = await response.clone().text();
  const assets = new Set(assetsOf(html));
  await cache.put(PAGE, response);
  await Promise.all([...assets].map(async (path) => {
    if (!(await cache.match(path))) await cache.add(path);
  }));
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    if (path !== PAGE && !assets.has(path)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(fetch(PAGE, { cache: 'no-cache' }).then(keep).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) {
    return;
  }
  if (request.mode === 'navigate') {
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) event.waitUntil(keep(response.clone()));
          return response;
        })
        .catch(async () => (await caches.match(PAGE)) ?? Response.error()),
    );
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
});
