-- The application's own database beside Temporal's (run once by the postgres image at first start).
CREATE ROLE testigo LOGIN PASSWORD 'testigo';
CREATE DATABASE testigo OWNER testigo;
