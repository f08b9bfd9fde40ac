using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServiceKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "service_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key_label = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    owner = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    usage = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    serial = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    certificate_der = table.Column<byte[]>(type: "bytea", nullable: false),
                    not_after = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    disabled_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_service_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_service_keys_key_label",
                table: "service_keys",
                column: "key_label",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_service_keys_owner",
                table: "service_keys",
                column: "owner");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "service_keys");
        }
    }
}
