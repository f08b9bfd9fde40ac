using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TimeStamping : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "timestamp_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    serial = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    gen_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    hash_algorithm = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    imprint = table.Column<string>(type: "character varying(130)", maxLength: 130, nullable: false),
                    policy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    requester = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_timestamp_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "tsa_signers",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    authority_id = table.Column<int>(type: "integer", nullable: false),
                    key_label = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    serial = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    certificate_der = table.Column<byte[]>(type: "bytea", nullable: false),
                    not_before = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    not_after = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tsa_signers", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_timestamp_records_serial",
                table: "timestamp_records",
                column: "serial",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tsa_signers_authority_id_not_after",
                table: "tsa_signers",
                columns: new[] { "authority_id", "not_after" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "timestamp_records");

            migrationBuilder.DropTable(
                name: "tsa_signers");
        }
    }
}
