'use strict';
// Jest for the consumer specs only: rootDir is this folder, so Jest does not
// crawl the repository (target/ alone holds thousands of files).
module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.spec.js'],
};
