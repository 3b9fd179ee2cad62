// The browsable API docs at /docs (served by the binary from dist/docs.html): Swagger UI,
// bundled (no CDN), rendering the contract the binary itself serves at /openapi.json.
// Read-only: "Try it out" is off, so the page never sends a request but the one for the
// document (the CSP's connect-src 'self' allows it).
import SwaggerUI from 'swagger-ui-dist/swagger-ui-es-bundle.js';
import 'swagger-ui-dist/swagger-ui.css';
import './docs.css';

SwaggerUI({
  url: new URL('../openapi.json', document.baseURI).href, // under --public-url's path too
  dom_id: '#swagger-ui',
  deepLinking: true,
  supportedSubmitMethods: [],
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
});
