module.exports = require('../../tools/webpack/nest-app.webpack.cjs')(__dirname, 'audit');
