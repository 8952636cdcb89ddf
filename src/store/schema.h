/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The schema as ordered migrations. Migration k (1-based) brings a database
 * from user_version k-1 to k inside one transaction. The application id
 * marks the file as keel's; a database written by a newer keel (a higher
 * user_version than this binary knows) is refused. */
#ifndef KEEL_STORE_SCHEMA_H
#define KEEL_STORE_SCHEMA_H
#include "store/db.h"

#define SCHEMA_APP_ID 0x6B65656C /* "keel" */

/* The schema version this binary writes. */
int schema_version(void);
/* Bring db up to schema_version(). A fresh (empty) database is created;
 * another application's file or a newer keel's is refused with a message
 * in zErr (KEEL_EVERSION). */
int schema_migrate(Db *db, char *zErr, size_t nErr);
/* Open zPath and check (bCreate=0) or create/migrate (bCreate=1) it; the
 * one way commands and the server get a ready database. */
int schema_open(const char *zPath, int bCreate, Db **ppDb, char *zErr, size_t nErr);

/* How schema_open_mode treats the schema version of an existing database:
 * a newer one is always refused; an older one is migrated by
 * SCHEMA_UPGRADE, refused with the `keel migrate` command by SCHEMA_CHECK,
 * and by SCHEMA_AUTO migrated on SQLite but refused on PostgreSQL (where
 * several servers share it and an operator upgrades explicitly).
 * SCHEMA_CREATE and SCHEMA_MIGRATE create or migrate. */
enum { SCHEMA_AUTO = 0, SCHEMA_CREATE, SCHEMA_MIGRATE, SCHEMA_UPGRADE, SCHEMA_CHECK };
int schema_open_mode(const char *zPath, int mode, Db **ppDb, char *zErr, size_t nErr);

/* A cheap query proving the connection works (health checks). */
int schema_check(Db *db);

#endif
