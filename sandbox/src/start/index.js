// `npm start` runs this file: the sandbox is TypeScript, run without a build step.
'use strict';
require('./register-ts');
require('./main.ts');
