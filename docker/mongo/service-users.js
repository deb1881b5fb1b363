// One MongoDB user per service, allowed to read and write its own database only; run by the
// mongo-users service of docker/compose.yml (mongosh, as root) at every start, so a service added
// later gets its user and a changed password is applied.
//
// Each variable <SERVICE>_MONGO_PASSWORD makes the user <service> (lower case) with the role
// readWrite on <service>_db, the database compose gives that service (<SERVICE>_DB_NAME). The
// users live in the admin database (authSource=admin in each MONGODB_URI), as on Atlas.
const PASSWORD_VARIABLE = /^([A-Z][A-Z0-9_]*)_MONGO_PASSWORD$/;
// the password travels in a mongodb:// URL, unescaped
const PASSWORD_FORMAT = /^[A-Za-z0-9_-]{16,}$/;

const variables = Object.keys(process.env)
  .filter((name) => PASSWORD_VARIABLE.test(name))
  .sort();
if (variables.length === 0) {
  print('service-users: no <SERVICE>_MONGO_PASSWORD variable is set');
  quit(1);
}

const admin = db.getSiblingDB('admin');
for (const variable of variables) {
  const password = process.env[variable];
  if (!PASSWORD_FORMAT.test(password)) {
    print(`service-users: ${variable} must be 16 or more letters, digits, - and _ (openssl rand -hex 24)`);
    quit(1);
  }
  const user = PASSWORD_VARIABLE.exec(variable)[1].toLowerCase();
  const roles = [{ role: 'readWrite', db: `${user}_db` }];
  if (admin.getUser(user)) {
    admin.updateUser(user, { pwd: password, roles });
  } else {
    admin.createUser({ user, pwd: password, roles });
  }
  print(`service-users: ${user} may read and write ${user}_db, and nothing else`);
}
