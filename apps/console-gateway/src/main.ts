import { bootstrapGateway, emitOpenApi } from './app/bootstrap';

// `main.js --emit-openapi <file>` writes the OpenAPI document and exits (nx run console-gateway:openapi)
const emit = process.argv.indexOf('--emit-openapi');
if (emit >= 0) {
  emitOpenApi(process.argv[emit + 1] ?? 'openapi.json').then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  void bootstrapGateway();
}
