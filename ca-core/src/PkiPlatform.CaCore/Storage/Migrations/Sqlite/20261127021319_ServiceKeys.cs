using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Sqlite
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
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    key_label = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    usage = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    serial = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    certificate_der = table.Column<byte[]>(type: "BLOB", nullable: false),
                    not_after = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    disabled_at = table.Column<DateTime>(type: "TEXT", nullable: true)
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
