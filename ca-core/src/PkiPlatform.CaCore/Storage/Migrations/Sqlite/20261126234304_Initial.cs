using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    timestamp = table.Column<DateTime>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    target = table.Column<string>(type: "TEXT", nullable: false),
                    details = table.Column<string>(type: "TEXT", nullable: false),
                    previous_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "audit_head",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    hash = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_head", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "authorities",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    parent_id = table.Column<int>(type: "INTEGER", nullable: true),
                    key_label = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    key_algorithm = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    subject_dn = table.Column<string>(type: "TEXT", nullable: false),
                    certificate_der = table.Column<byte[]>(type: "BLOB", nullable: false),
                    subject_key_id = table.Column<byte[]>(type: "BLOB", nullable: false),
                    not_before = table.Column<DateTime>(type: "TEXT", nullable: false),
                    not_after = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_authorities", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "certificates",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    authority_id = table.Column<int>(type: "INTEGER", nullable: false),
                    serial = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    profile = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    subject_dn = table.Column<string>(type: "TEXT", nullable: false),
                    not_before = table.Column<DateTime>(type: "TEXT", nullable: false),
                    not_after = table.Column<DateTime>(type: "TEXT", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    der = table.Column<byte[]>(type: "BLOB", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    revocation_reason = table.Column<int>(type: "INTEGER", nullable: true),
                    invalidity_date = table.Column<DateTime>(type: "TEXT", nullable: true),
                    status_changed_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_certificates", x => x.id);
                    table.ForeignKey(
                        name: "FK_certificates_authorities_authority_id",
                        column: x => x.authority_id,
                        principalTable: "authorities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "crls",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    authority_id = table.Column<int>(type: "INTEGER", nullable: false),
                    number = table.Column<long>(type: "INTEGER", nullable: false),
                    base_number = table.Column<long>(type: "INTEGER", nullable: true),
                    this_update = table.Column<DateTime>(type: "TEXT", nullable: false),
                    next_update = table.Column<DateTime>(type: "TEXT", nullable: false),
                    entry_count = table.Column<int>(type: "INTEGER", nullable: false),
                    der = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_crls", x => x.id);
                    table.ForeignKey(
                        name: "FK_crls_authorities_authority_id",
                        column: x => x.authority_id,
                        principalTable: "authorities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "audit_head",
                columns: new[] { "id", "hash", "sequence" },
                values: new object[] { 1, new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0L });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_action",
                table: "audit_events",
                column: "action");

            migrationBuilder.CreateIndex(
                name: "IX_authorities_name",
                table: "authorities",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_certificates_authority_id_serial",
                table: "certificates",
                columns: new[] { "authority_id", "serial" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_certificates_authority_id_status_changed_at",
                table: "certificates",
                columns: new[] { "authority_id", "status_changed_at" });

            migrationBuilder.CreateIndex(
                name: "IX_crls_authority_id_number",
                table: "crls",
                columns: new[] { "authority_id", "number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "audit_head");

            migrationBuilder.DropTable(
                name: "certificates");

            migrationBuilder.DropTable(
                name: "crls");

            migrationBuilder.DropTable(
                name: "authorities");
        }
    }
}
