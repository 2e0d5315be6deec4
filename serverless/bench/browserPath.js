#!/usr/bin/env node
'use strict';
// The bench's browser row in a process of its own (see browserPath.ts): the sandbox's TypeScript is
// run in place through its require hook, not bundled.
require('../../sandbox/src/start/register-ts');
require('./browserPath.ts');
