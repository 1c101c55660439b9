'use strict';
// mocha for the consumer specs: the same files Jest runs, no --exit.
module.exports = { spec: [`${__dirname}/*.spec.js`], timeout: 10000 };
