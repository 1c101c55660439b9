'use strict';
// placeholder until the issue that builds it lands
module.exports = {};
