// `npm start`: the cloud server on embedded defaults (see docs/config.md).
import { serve } from './cli/serve.js';

await serve();
