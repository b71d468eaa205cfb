import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

export async function bundleRoutes(api: FastifyInstance, { bundles }: RouteDeps): Promise<void> {
  // A refused bundle is a BundleError: 400 for content that is not its hash's.
  addRoute(api, 'putBundle', ({ params, body }) => bundles.put(params.hash, body));

  addRoute(
    api,
    'getBundle',
    ({ params }) => {
      const bundle = bundles.get(params.hash);
      if (!bundle) throw new HttpError(404, `no bundle with hash ${params.hash}`);
      return bundle;
    },
    // Stored only after its check; large enough that checking it again on the way out would show.
    { plainJson: true },
  );
}
