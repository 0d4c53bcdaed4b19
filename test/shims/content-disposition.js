'use strict';
// Jest cannot require ES modules; content-disposition@3 (used by @fastify/static) is one.
// Tests map it to the CommonJS 1.x line, whose function has the same behaviour as v3's `create`.
const contentDisposition = require('content-disposition-cjs');

module.exports = { create: contentDisposition, parse: contentDisposition.parse };
