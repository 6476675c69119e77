import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** Where `npm run build` puts the GraphiQL bundle (scripts/build-graphiql.mjs). */
export const GRAPHIQL_DIR = path.resolve(__dirname, '../../dist/graphiql');

/**
 * The self-hosted GraphiQL: GET /graphql from a browser (Accept: text/html) gets the page, its
 * assets come from /graphiql/. Nothing is loaded from a CDN. A browser's GET with `?query=` gets
 * the page too, which opens that query (a link to a query, page.tsx); GraphQL clients' GET
 * requests accept JSON and go on to Apollo.
 */
export function graphiqlRoutes(dir = GRAPHIQL_DIR): Router {
  const router = express.Router();
  router.use('/graphiql', express.static(dir, { index: false, fallthrough: false }));
  router.get('/graphql', (req, res, next) => {
    const wantsHtml = req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
    if (!wantsHtml) return next();
    const page = path.join(dir, 'index.html');
    if (!fs.existsSync(page)) {
      res.status(503).type('text/plain').send('GraphiQL is not built. Run `npm run build`.');
      return;
    }
    res.type('html').sendFile(page);
  });
  return router;
}
